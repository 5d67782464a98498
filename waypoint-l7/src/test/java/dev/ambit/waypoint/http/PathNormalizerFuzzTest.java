package dev.ambit.waypoint.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * The path that routing and authorization match on. A normalized target is origin form, keeps the query as sent,
 * has no dot segments left in its path, spelt plainly or percent-encoded (so {@code /public/../admin} and
 * {@code /public/%2e%2e/admin} cannot pass as {@code /public/...}), and
 * normalizing it again changes nothing; a target that is not origin form is refused (null), never half-normalized.
 */
class PathNormalizerFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void normalize(byte[] input) {
        String target = new String(input, StandardCharsets.UTF_8);
        String normalized = PathNormalizer.normalize(target);
        if (normalized == null) {
            return;
        }
        assertTrue(normalized.startsWith("/"), "origin form");
        int question = normalized.indexOf('?');
        String path = question < 0 ? normalized : normalized.substring(0, question);
        for (String segment : path.split("/", -1)) {
            // A backend decodes %2E to '.' (an unreserved character, RFC 3986 §2.3): so must the normalizer.
            String decoded = segment.replace("%2e", ".").replace("%2E", ".");
            assertFalse(decoded.equals(".") || decoded.equals(".."), () -> "dot segment left in " + normalized);
        }
        int sentQuery = target.indexOf('?');
        assertEquals(sentQuery < 0 ? "" : target.substring(sentQuery), question < 0 ? "" : normalized.substring(question),
                "the query is kept as sent");
        assertEquals(normalized, PathNormalizer.normalize(normalized), "normalizing is idempotent");
    }
}
