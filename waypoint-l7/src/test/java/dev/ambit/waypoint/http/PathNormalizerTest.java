package dev.ambit.waypoint.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class PathNormalizerTest {

    @Test
    void removesDotSegmentsAndKeepsTheQuery() {
        assertEquals("/admin", PathNormalizer.normalize("/public/../admin"));
        assertEquals("/a/c?x=/../y", PathNormalizer.normalize("/a/./b/../c?x=/../y"));
        assertEquals("/", PathNormalizer.normalize("/.."));
        assertEquals("/a/", PathNormalizer.normalize("/a/b/.."));
        assertEquals("/plain", PathNormalizer.normalize("/plain"));
    }

    @Test
    void refusesWhatIsNotAnOriginFormPath() {
        assertNull(PathNormalizer.normalize("http://evil/"));
        assertNull(PathNormalizer.normalize("*"));
        assertNull(PathNormalizer.normalize("/a\\b"));
    }
}
