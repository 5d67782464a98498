package dev.ambit.waypoint.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.ServiceRef;
import dev.ambit.api.model.route.BackendRef;
import dev.ambit.api.model.route.HttpRoute;
import dev.ambit.api.model.route.MatchType;
import dev.ambit.api.model.route.PathMatch;
import dev.ambit.api.model.route.PathReplacement;
import dev.ambit.api.model.route.RouteFilters;
import dev.ambit.api.model.route.RouteMatch;
import dev.ambit.api.model.route.RouteRule;
import dev.ambit.api.model.route.RouteTimeouts;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteTableTest {

    static final NamespacedName SERVICE = NamespacedName.of("demo", "web");
    static final ServiceKey KEY = new ServiceKey(SERVICE, 80);

    private static RouteRule rule(PathMatch path, String backend) {
        return new RouteRule(List.of(new RouteMatch(Optional.ofNullable(path), List.of(), List.of(), Optional.empty())),
                RouteFilters.NONE, List.of(new BackendRef(ServiceRef.of(NamespacedName.of("demo", backend), 80), 1)),
                RouteTimeouts.NONE);
    }

    private static String route(RouteTable table, String path) {
        return table.route(KEY, RouteRequest.of("GET", path, new DefaultHttpHeaders())).orElseThrow().rule()
                .backendRefs().get(0).service().service().name();
    }

    @Test
    void exactBeatsLongerPrefixBeatsShorterPrefixBeatsRegexBeatsCatchAll() {
        RouteTable table = RouteTable.build(List.of(new HttpRoute(NamespacedName.of("demo", "r"),
                List.of(ServiceRef.of(SERVICE)), List.of(
                rule(null, "all"),
                rule(new PathMatch(MatchType.REGEX, "/api/.*"), "regex"),
                rule(PathMatch.prefix("/api"), "api"),
                rule(PathMatch.prefix("/api/v2/"), "v2"),
                rule(new PathMatch(MatchType.EXACT, "/api/v2/health"), "health")))));
        assertEquals("health", route(table, "/api/v2/health"));
        assertEquals("v2", route(table, "/api/v2/users"));
        assertEquals("v2", route(table, "/api/v2"));
        assertEquals("api", route(table, "/api/v1"));
        assertEquals("all", route(table, "/apiary"));
        assertTrue(table.hasRoutes(KEY));
    }

    @Test
    void prefixReplacementKeepsTheRest() {
        PathReplacement replacement = new PathReplacement(PathReplacement.Kind.PREFIX, "/v2");
        assertEquals("/v2/things", PathRewrite.apply(replacement, "/api/things", "/api"));
        assertEquals("/v2", PathRewrite.apply(replacement, "/api", "/api"));
        assertEquals("/things", PathRewrite.apply(new PathReplacement(PathReplacement.Kind.PREFIX, "/"),
                "/api/things", "/api"));
    }
}
