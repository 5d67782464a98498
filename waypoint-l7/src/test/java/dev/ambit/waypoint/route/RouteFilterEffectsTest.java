package dev.ambit.waypoint.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.ServiceRef;
import dev.ambit.api.model.route.BackendRef;
import dev.ambit.api.model.route.HeaderModifier;
import dev.ambit.api.model.route.PathReplacement;
import dev.ambit.api.model.route.RequestRedirect;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Redirect locations, path rewrites, header edits and weighted backend picks. */
class RouteFilterEffectsTest {

    private static RequestRedirect redirect(Optional<String> scheme, Optional<String> host,
            Optional<PathReplacement> path, OptionalInt port) {
        return new RequestRedirect(scheme, host, path, port, 302);
    }

    private static final RequestRedirect KEEP_ALL = redirect(Optional.empty(), Optional.empty(), Optional.empty(),
            OptionalInt.empty());

    @Test
    void aRedirectKeepsWhatItDoesNotChange() {
        assertEquals("http://web:8080/a?b=c", Redirects.location(KEEP_ALL, "http", "web", 8080, "/a", "b=c", ""));
        assertEquals("http://web/a", Redirects.location(KEEP_ALL, "http", "web", -1, "/a", "", ""));
    }

    @Test
    void theWellKnownPortOfTheSchemeIsLeftOut() {
        assertEquals("http://web/a", Redirects.location(KEEP_ALL, "http", "web", 80, "/a", "", ""));
        assertEquals("https://web/a", Redirects.location(KEEP_ALL, "https", "web", 443, "/a", "", ""));
        assertEquals("https://web:80/a", Redirects.location(KEEP_ALL, "https", "web", 80, "/a", "", ""));
        assertEquals("http://web:443/a", Redirects.location(KEEP_ALL, "http", "web", 443, "/a", "", ""));
    }

    @Test
    void aSchemeChangeDropsTheOldPortUnlessOneIsGiven() {
        RequestRedirect toHttps = redirect(Optional.of("https"), Optional.empty(), Optional.empty(),
                OptionalInt.empty());
        assertEquals("https://web/a", Redirects.location(toHttps, "http", "web", 8080, "/a", "", ""));
        assertEquals("https://web:8443/a", Redirects.location(toHttps, "https", "web", 8443, "/a", "", ""),
                "the same scheme keeps the port");
        RequestRedirect toHttpsPort = redirect(Optional.of("https"), Optional.of("secure.example"), Optional.empty(),
                OptionalInt.of(9443));
        assertEquals("https://secure.example:9443/a?q",
                Redirects.location(toHttpsPort, "http", "web", 8080, "/a", "q", ""));
    }

    @Test
    void aRedirectPathReplacesThePrefixTheRuleMatched() {
        RequestRedirect newPrefix = redirect(Optional.empty(), Optional.empty(),
                Optional.of(new PathReplacement(PathReplacement.Kind.PREFIX, "/v2")), OptionalInt.empty());
        assertEquals("http://web/v2/users", Redirects.location(newPrefix, "http", "web", -1, "/v1/users", "", "/v1"));
        RequestRedirect full = redirect(Optional.empty(), Optional.empty(),
                Optional.of(new PathReplacement(PathReplacement.Kind.FULL, "/moved")), OptionalInt.empty());
        assertEquals("http://web/moved", Redirects.location(full, "http", "web", -1, "/v1/users", "", "/v1"));
    }

    @Test
    void aFullReplacementIgnoresThePathAndAnEmptyResultIsTheRoot() {
        assertEquals("/new", PathRewrite.apply(new PathReplacement(PathReplacement.Kind.FULL, "/new"), "/old/x", "/old"));
        assertEquals("/", PathRewrite.apply(new PathReplacement(PathReplacement.Kind.PREFIX, "/"), "/old", "/old"));
        assertEquals("/new/x", PathRewrite.apply(new PathReplacement(PathReplacement.Kind.PREFIX, "/new/"),
                "/old/x", "/old"), "one slash between prefix and rest");
        assertEquals("/new/x", PathRewrite.apply(new PathReplacement(PathReplacement.Kind.PREFIX, "/new"),
                "/x", ""), "a match on / replaced nothing: the whole path follows the prefix");
    }

    @Test
    void headerEditsSetThenAddThenRemove() {
        HttpHeaders headers = new DefaultHttpHeaders().add("x-a", "1").add("x-a", "2").add("x-b", "b")
                .add("x-gone", "g");
        HeaderEdits.apply(new HeaderModifier(Map.of("x-a", "set"), Map.of("x-b", "more", "x-gone", "added"),
                List.of("x-gone")), headers);
        assertEquals(List.of("set"), headers.getAll("x-a"));
        assertEquals(List.of("b", "more"), headers.getAll("x-b"));
        assertEquals(List.of(), headers.getAll("x-gone"), "remove runs last");
    }

    private static BackendRef backend(String name, int weight) {
        return new BackendRef(ServiceRef.of(NamespacedName.of("demo", name), 80), weight);
    }

    /** Draws {@code point}, so a test picks the exact spot in the weight range, and keeps the bound it was given. */
    private static final class Fixed implements RandomGenerator {
        private final long point;
        long bound = -1;

        Fixed(long point) {
            this.point = point;
        }

        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long nextLong(long bound) {
            this.bound = bound;
            return point;
        }
    }

    private static Fixed fixed(long point) {
        return new Fixed(point);
    }

    @Test
    void weightsSplitTheRangeInOrder() {
        List<BackendRef> backends = List.of(backend("a", 1), backend("none", 0), backend("b", 3));
        assertEquals("a", WeightedBackends.pick(backends, fixed(0)).orElseThrow().service().service().name());
        assertEquals("b", WeightedBackends.pick(backends, fixed(1)).orElseThrow().service().service().name());
        assertEquals("b", WeightedBackends.pick(backends, fixed(3)).orElseThrow().service().service().name());
        Fixed draw = fixed(2);
        WeightedBackends.pick(backends, draw);
        assertEquals(4, draw.bound, "draws are below the total weight");
        assertThrows(AssertionError.class, () -> WeightedBackends.pick(backends, fixed(4)),
                "a draw past the total finds no backend");
    }

    @Test
    void noWeightMeansNoBackend() {
        Fixed draw = fixed(0);
        assertEquals(Optional.empty(), WeightedBackends.pick(List.of(backend("a", 0)), draw));
        assertEquals(Optional.empty(), WeightedBackends.pick(List.of(), draw));
        assertEquals(-1, draw.bound, "nothing to draw from");
    }
}
