package dev.ambit.bench.micro;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.ServiceRef;
import dev.ambit.api.model.route.BackendRef;
import dev.ambit.api.model.route.HeaderMatch;
import dev.ambit.api.model.route.HttpRoute;
import dev.ambit.api.model.route.MatchType;
import dev.ambit.api.model.route.PathMatch;
import dev.ambit.api.model.route.RouteFilters;
import dev.ambit.api.model.route.RouteMatch;
import dev.ambit.api.model.route.RouteRule;
import dev.ambit.api.model.route.RouteTimeouts;
import dev.ambit.waypoint.route.RouteRequest;
import dev.ambit.waypoint.route.RouteSelection;
import dev.ambit.waypoint.route.RouteTable;
import dev.ambit.waypoint.route.ServiceKey;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The waypoint's per-request route lookup ({@link RouteTable#route}) on a service with 40 rules of every match kind.
 * The request is built per call, as the waypoint does from each request line (query parsing included).
 */
@State(Scope.Benchmark)
public class RouteMatchBenchmark extends MicroBenchmark {

    private static final NamespacedName SERVICE = SyntheticMesh.serviceName(0);
    private static final ServiceKey KEY = new ServiceKey(SERVICE, SyntheticMesh.SERVICE_PORT);
    private static final int VERSIONS = 10;

    private RouteTable table;
    private HttpHeaders headers;

    @Setup
    public void build() {
        List<RouteRule> rules = new ArrayList<>();
        for (int v = 0; v < VERSIONS; v++) {
            rules.add(rule(new RouteMatch(Optional.of(new PathMatch(MatchType.EXACT, "/api/v" + v + "/health")),
                    List.of(), List.of(), Optional.of("GET")), 1));
            rules.add(rule(new RouteMatch(Optional.of(PathMatch.prefix("/api/v" + v)),
                    List.of(new HeaderMatch("x-canary", MatchType.EXACT, "true")), List.of(), Optional.empty()), 2));
            rules.add(rule(new RouteMatch(Optional.of(PathMatch.prefix("/api/v" + v)), List.of(),
                    List.of(new HeaderMatch("debug", MatchType.EXACT, "1")), Optional.empty()), 3));
            rules.add(rule(new RouteMatch(Optional.of(new PathMatch(MatchType.REGEX, "/items/v" + v + "/[0-9]+")),
                    List.of(), List.of(), Optional.of("POST")), 4));
        }
        table = RouteTable.build(List.of(new HttpRoute(NamespacedName.of(SyntheticMesh.NAMESPACE, "shop-routes"),
                List.of(ServiceRef.of(SERVICE, SyntheticMesh.SERVICE_PORT)), rules)));
        headers = new DefaultHttpHeaders()
                .add("host", "svc-0.shop.svc.cluster.local")
                .add("user-agent", "bench/1.0")
                .add("accept", "*/*")
                .add("x-request-id", "7d6c1f0e-2b7a-4c39-9f5e-3c2d1a0b9e8f");
    }

    /** A header-qualified prefix rule near the middle of the precedence order. */
    @Benchmark
    public Optional<RouteSelection> prefixWithQuery() {
        return table.route(KEY, RouteRequest.of("GET", "/api/v5/orders/42?debug=1&page=2", headers));
    }

    /** No rule matches: every matcher, regexes included, is tried. */
    @Benchmark
    public Optional<RouteSelection> miss() {
        return table.route(KEY, RouteRequest.of("POST", "/items/v9/not-a-number", headers));
    }

    private static RouteRule rule(RouteMatch match, int backend) {
        return new RouteRule(List.of(match), RouteFilters.NONE, List.of(new BackendRef(
                ServiceRef.of(SyntheticMesh.serviceName(backend), SyntheticMesh.SERVICE_PORT), 1)),
                RouteTimeouts.NONE);
    }
}
