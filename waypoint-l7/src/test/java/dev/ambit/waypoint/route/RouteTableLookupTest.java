package dev.ambit.waypoint.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.ServiceRef;
import dev.ambit.api.model.route.BackendRef;
import dev.ambit.api.model.route.HttpRoute;
import dev.ambit.api.model.route.PathMatch;
import dev.ambit.api.model.route.RouteFilters;
import dev.ambit.api.model.route.RouteMatch;
import dev.ambit.api.model.route.RouteRule;
import dev.ambit.api.model.route.RouteTimeouts;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteTableLookupTest {

    private static final NamespacedName WEB = NamespacedName.of("demo", "web");
    private static final NamespacedName API = NamespacedName.of("demo", "api");

    private static RouteRule rule(Optional<PathMatch> path, String backend) {
        List<RouteMatch> matches = path.map(p -> List.of(new RouteMatch(Optional.of(p), List.of(), List.of(),
                Optional.<String>empty()))).orElse(List.of());
        return new RouteRule(matches, RouteFilters.NONE,
                List.of(new BackendRef(ServiceRef.of(NamespacedName.of("demo", backend), 80), 1)), RouteTimeouts.NONE);
    }

    private static HttpRoute route(String name, ServiceRef parent, RouteRule... rules) {
        return new HttpRoute(NamespacedName.of("demo", name), List.of(parent), List.of(rules));
    }

    private static Optional<String> backend(RouteTable table, ServiceKey key, String path) {
        return table.route(key, RouteRequest.of("GET", path, new DefaultHttpHeaders()))
                .map(selection -> selection.rule().backendRefs().get(0).service().service().name());
    }

    @Test
    void aPortsOwnRoutesComeBeforeRoutesForTheWholeService() {
        RouteTable table = RouteTable.build(List.of(
                route("whole", ServiceRef.of(WEB), rule(Optional.empty(), "any-port")),
                route("port", ServiceRef.of(WEB, 8080), rule(Optional.of(PathMatch.prefix("/admin")), "admin"))));
        ServiceKey port8080 = new ServiceKey(WEB, 8080);
        ServiceKey port80 = new ServiceKey(WEB, 80);
        assertEquals(Optional.of("admin"), backend(table, port8080, "/admin/users"));
        assertEquals(Optional.of("any-port"), backend(table, port8080, "/public"), "falls back to the service's routes");
        assertEquals(Optional.of("any-port"), backend(table, port80, "/admin"));
        assertTrue(table.hasRoutes(port8080));
        assertTrue(table.hasRoutes(port80), "a route for the whole service covers every port");
        assertFalse(table.hasRoutes(new ServiceKey(API, 80)));
        assertEquals(Optional.empty(), backend(table, new ServiceKey(API, 80), "/"));
    }

    @Test
    void aPortRouteAloneCoversOnlyThatPort() {
        RouteTable table = RouteTable.build(List.of(
                route("port", ServiceRef.of(WEB, 8080), rule(Optional.of(PathMatch.prefix("/admin")), "admin"))));
        assertTrue(table.hasRoutes(new ServiceKey(WEB, 8080)));
        assertFalse(table.hasRoutes(new ServiceKey(WEB, 80)));
        assertEquals(Optional.empty(), backend(table, new ServiceKey(WEB, 8080), "/public"), "no rule matches");
    }

    @Test
    void equalMatchesKeepRouteNameThenRuleOrder() {
        RouteTable table = RouteTable.build(List.of(
                route("b", ServiceRef.of(WEB, 80), rule(Optional.of(PathMatch.prefix("/x")), "from-b")),
                route("a", ServiceRef.of(WEB, 80), rule(Optional.of(PathMatch.prefix("/x")), "from-a-first"),
                        rule(Optional.of(PathMatch.prefix("/x")), "from-a-second"))));
        assertEquals(Optional.of("from-a-first"), backend(table, new ServiceKey(WEB, 80), "/x"));
    }

    @Test
    void theSelectionNamesTheRouteRuleAndMatcher() {
        RouteRule rule = rule(Optional.of(PathMatch.prefix("/api")), "api");
        RouteTable table = RouteTable.build(List.of(route("r", ServiceRef.of(WEB, 80), rule)));
        RouteSelection selection = table.route(new ServiceKey(WEB, 80),
                RouteRequest.of("GET", "/api/v1", new DefaultHttpHeaders())).orElseThrow();
        assertEquals(NamespacedName.of("demo", "r"), selection.route());
        assertSame(rule, selection.rule());
        assertEquals("/api", selection.matcher().matchedPrefix());
    }

    @Test
    void aServiceKeyReadsAsServiceColonPort() {
        assertEquals("demo/web:80", new ServiceKey(WEB, 80).toString());
    }
}
