package dev.ambit.waypoint.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.model.route.HeaderMatch;
import dev.ambit.api.model.route.MatchType;
import dev.ambit.api.model.route.PathMatch;
import dev.ambit.api.model.route.RouteMatch;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestMatcherTest {

    private static RequestMatcher path(MatchType type, String value) {
        return RequestMatcher.of(new RouteMatch(Optional.of(new PathMatch(type, value)), List.of(), List.of(),
                Optional.empty()));
    }

    private static RouteRequest get(String uri) {
        return RouteRequest.of("GET", uri, new DefaultHttpHeaders());
    }

    @Test
    void prefixMatchesWholeSegmentsOnly() {
        RequestMatcher foo = path(MatchType.PREFIX, "/foo");
        assertTrue(foo.matches(get("/foo")));
        assertTrue(foo.matches(get("/foo/bar")));
        assertFalse(foo.matches(get("/foobar")));
        assertFalse(foo.matches(get("/fo")));
        assertFalse(foo.matches(get("/bar/foo")));
        assertEquals("/foo", foo.matchedPrefix());
    }

    @Test
    void aTrailingSlashOnThePrefixIsTheSameSegmentMatch() {
        RequestMatcher foo = path(MatchType.PREFIX, "/foo/");
        assertTrue(foo.matches(get("/foo")));
        assertTrue(foo.matches(get("/foo/x")));
        assertFalse(foo.matches(get("/foox")));
        assertEquals("/foo", foo.matchedPrefix());
    }

    @Test
    void theRootPrefixMatchesEverythingAndMatchedNothing() {
        RequestMatcher root = path(MatchType.PREFIX, "/");
        assertTrue(root.matches(get("/")));
        assertTrue(root.matches(get("/anything/at/all")));
        assertEquals("", root.matchedPrefix());
        assertTrue(RequestMatcher.any().matches(RouteRequest.of("DELETE", "/x?y=1", new DefaultHttpHeaders())));
        assertEquals("", RequestMatcher.any().matchedPrefix());
    }

    @Test
    void exactAndRegexPathsMatchTheWholePathOnly() {
        RequestMatcher exact = path(MatchType.EXACT, "/health");
        assertTrue(exact.matches(get("/health")));
        assertTrue(exact.matches(get("/health?verbose=1")), "the query is not part of the path");
        assertFalse(exact.matches(get("/health/")));
        assertEquals("", exact.matchedPrefix(), "only a prefix match has a matched prefix");
        RequestMatcher regex = path(MatchType.REGEX, "/users/[0-9]+");
        assertTrue(regex.matches(get("/users/42")));
        assertFalse(regex.matches(get("/users/42/posts")), "a regex must match the whole path");
        assertEquals("", regex.matchedPrefix());
    }

    @Test
    void methodMustBeTheSame() {
        RequestMatcher post = RequestMatcher.of(new RouteMatch(Optional.empty(), List.of(), List.of(),
                Optional.of("POST")));
        assertTrue(post.matches(RouteRequest.of("POST", "/x", new DefaultHttpHeaders())));
        assertFalse(post.matches(get("/x")));
    }

    @Test
    void everyHeaderMatchMustHoldAndAnyOfARepeatedHeadersValuesIsEnough() {
        RequestMatcher matcher = RequestMatcher.of(new RouteMatch(Optional.empty(), List.of(
                new HeaderMatch("x-env", MatchType.EXACT, "canary"),
                new HeaderMatch("x-user", MatchType.REGEX, "u[0-9]+")), List.of(), Optional.empty()));
        HttpHeaders both = new DefaultHttpHeaders().add("x-env", "prod").add("x-env", "canary").add("x-user", "u7");
        assertTrue(matcher.matches(RouteRequest.of("GET", "/", both)));
        HttpHeaders badUser = new DefaultHttpHeaders().add("x-env", "canary").add("x-user", "admin");
        assertFalse(matcher.matches(RouteRequest.of("GET", "/", badUser)));
        HttpHeaders noEnv = new DefaultHttpHeaders().add("x-user", "u7");
        assertFalse(matcher.matches(RouteRequest.of("GET", "/", noEnv)), "a missing header never matches");
    }

    @Test
    void queryParametersAreMatchedByName() {
        RequestMatcher matcher = RequestMatcher.of(new RouteMatch(Optional.empty(), List.of(),
                List.of(new HeaderMatch("v", MatchType.EXACT, "2")), Optional.empty()));
        assertTrue(matcher.matches(get("/x?v=1&v=2")));
        assertFalse(matcher.matches(get("/x?v=1")));
        assertFalse(matcher.matches(get("/x")), "a missing parameter never matches");
    }

    @Test
    void aRequestSplitsIntoPathAndDecodedQuery() {
        RouteRequest request = RouteRequest.of("GET", "/a/b?x=1&y=two&x=3", new DefaultHttpHeaders());
        assertEquals("/a/b", request.path());
        assertEquals(Map.of("x", List.of("1", "3"), "y", List.of("two")), request.query());
        RouteRequest plain = RouteRequest.of("GET", "/a/b", new DefaultHttpHeaders());
        assertEquals("/a/b", plain.path());
        assertEquals(Map.of(), plain.query());
    }

    @Test
    void precedenceOrdersMethodThenHeadersThenQueryAmongEqualPaths() {
        RequestMatcher plain = RequestMatcher.of(new RouteMatch(Optional.empty(), List.of(), List.of(),
                Optional.empty()));
        RequestMatcher withMethod = RequestMatcher.of(new RouteMatch(Optional.empty(), List.of(), List.of(),
                Optional.of("GET")));
        RequestMatcher withHeader = RequestMatcher.of(new RouteMatch(Optional.empty(),
                List.of(new HeaderMatch("a", MatchType.EXACT, "1")), List.of(), Optional.empty()));
        RequestMatcher withQuery = RequestMatcher.of(new RouteMatch(Optional.empty(), List.of(),
                List.of(new HeaderMatch("q", MatchType.EXACT, "1")), Optional.empty()));
        assertTrue(RequestMatcher.PRECEDENCE.compare(withMethod, withHeader) < 0, "a method beats headers");
        assertTrue(RequestMatcher.PRECEDENCE.compare(withHeader, withQuery) < 0, "headers beat query parameters");
        assertTrue(RequestMatcher.PRECEDENCE.compare(withQuery, plain) < 0, "query parameters beat nothing");
        assertTrue(RequestMatcher.PRECEDENCE.compare(path(MatchType.PREFIX, "/a/b"), path(MatchType.PREFIX, "/a"))
                < 0, "a longer prefix comes first");
        assertTrue(RequestMatcher.PRECEDENCE.compare(path(MatchType.EXACT, "/a"), path(MatchType.PREFIX, "/a/b/c"))
                < 0, "an exact path beats any prefix");
        assertTrue(RequestMatcher.PRECEDENCE.compare(path(MatchType.REGEX, "/.*"), path(MatchType.PREFIX, "/"))
                < 0, "a regex beats the catch-all");
        assertEquals(0, RequestMatcher.PRECEDENCE.compare(path(MatchType.REGEX, "/a.*"),
                path(MatchType.REGEX, "/b/c/d.*")), "regexes tie whatever their length");
    }
}
