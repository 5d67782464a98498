package dev.ambit.api.model;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.policy.AuthorizationPolicy;
import dev.ambit.api.model.policy.AuthorizationRule;
import dev.ambit.api.model.policy.Condition;
import dev.ambit.api.model.policy.JwtHeader;
import dev.ambit.api.model.policy.JwtRule;
import dev.ambit.api.model.policy.Operation;
import dev.ambit.api.model.policy.PeerAuthentication;
import dev.ambit.api.model.policy.RequestAuthentication;
import dev.ambit.api.model.policy.Source;
import dev.ambit.api.model.route.BackendRef;
import dev.ambit.api.model.route.HeaderMatch;
import dev.ambit.api.model.route.HeaderModifier;
import dev.ambit.api.model.route.GatewayParentRef;
import dev.ambit.api.model.route.HttpRoute;
import dev.ambit.api.model.route.MatchType;
import dev.ambit.api.model.route.PathMatch;
import dev.ambit.api.model.route.PathReplacement;
import dev.ambit.api.model.route.RequestRedirect;
import dev.ambit.api.model.route.RouteFilters;
import dev.ambit.api.model.route.RouteMatch;
import dev.ambit.api.model.route.RouteRule;
import dev.ambit.api.model.route.RouteTimeouts;
import dev.ambit.api.model.route.UrlRewrite;
import dev.ambit.api.model.traffic.CircuitBreaker;
import dev.ambit.api.model.traffic.FaultAbort;
import dev.ambit.api.model.traffic.FaultDelay;
import dev.ambit.api.model.traffic.FaultInjection;
import dev.ambit.api.model.traffic.LoadBalancerAlgorithm;
import dev.ambit.api.model.traffic.Mirror;
import dev.ambit.api.model.traffic.OutlierDetection;
import dev.ambit.api.model.traffic.RetryBudget;
import dev.ambit.api.model.traffic.RetryOn;
import dev.ambit.api.model.traffic.RetryPolicy;
import dev.ambit.api.model.traffic.TrafficPolicy;
import dev.ambit.api.model.workload.DataplaneMode;
import dev.ambit.api.model.workload.Endpoint;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.ServicePort;
import dev.ambit.api.model.workload.WaypointAddress;
import dev.ambit.api.model.workload.Workload;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** Realistic config objects of every kind, with every field set, for tests across packages. */
public final class ModelFixtures {

    public static final String WORKLOAD_UID = "4f1c8a2e-7d1b-4a57-9a0e-0b3b5f6c1d2e";
    public static final NamespacedName HELLO = NamespacedName.of("demo", "hello");

    private ModelFixtures() {
    }

    public static InetAddress ip(String literal) {
        return IpLiteral.parse(literal);
    }

    public static NamespacedName demo(String name) {
        return NamespacedName.of("demo", name);
    }

    public static List<ConfigResource> all() {
        return List.of(workload(), service(), authorizationPolicy(), peerAuthentication(), requestAuthentication(),
                httpRoute(), ingressRoute(), trafficPolicy());
    }

    public static Workload workload() {
        return new Workload(
                WORKLOAD_UID,
                demo("hello-v1"),
                SpiffeId.of("cluster.local", "demo", "hello"),
                "node-1",
                List.of(ip("10.244.1.17"), ip("fd00:10:244:1::17")),
                DataplaneMode.AMBIENT,
                Optional.of(new InetSocketAddress(ip("172.18.0.2"), MeshPorts.HBONE)),
                Optional.of(WaypointAddress.hostname("waypoint.demo.svc.cluster.local")),
                Map.of("app", "hello", "version", "v1", "ambit.dev/dataplane-mode", "ambient"),
                "hello",
                "v1",
                List.of(HELLO, demo("hello-v1")),
                true,
                Optional.of(new InetSocketAddress(ip("fd00:18::2"), MeshPorts.HBONE)));
    }

    public static MeshService service() {
        return new MeshService(
                HELLO,
                "hello.demo.svc.cluster.local",
                List.of(ip("10.96.0.10"), ip("fd00:10:96::a")),
                List.of(new ServicePort("http", 80, 8080, Optional.of("http")),
                        new ServicePort("grpc", 9090, 9090, Optional.of("grpc"))),
                List.of(new Endpoint(WORKLOAD_UID, ip("10.244.1.17"), Map.of(80, 8080, 9090, 9090)),
                        new Endpoint("9a7e1c55-0f3d-4a8e-8d0c-2f9d4b7a6e11", ip("10.244.2.9"), Map.of(80, 8081))),
                Optional.of(new WaypointAddress(Optional.empty(), Optional.of(ip("10.96.0.20")), 15009)),
                Map.of("app", "hello"));
    }

    public static AuthorizationPolicy authorizationPolicy() {
        return new AuthorizationPolicy(
                demo("hello-viewers"),
                Map.of("app", "hello"),
                AuthorizationPolicy.Action.ALLOW,
                List.of(new AuthorizationRule(
                        List.of(new Source(
                                List.of(SpiffeId.parse("spiffe://cluster.local/ns/demo/sa/frontend")),
                                List.of(SpiffeId.parse("spiffe://cluster.local/ns/demo/sa/legacy")),
                                List.of("demo", "ambit-system"),
                                List.of("kube-system"))),
                        List.of(new Operation(
                                List.of(8080),
                                List.of(9090),
                                List.of("GET", "HEAD"),
                                List.of("/api/*", "/healthz"),
                                List.of("/api/admin/*"),
                                List.of("hello.demo.svc.cluster.local", "*.example.com"))),
                        List.of(new Condition("request.headers[x-tenant]", List.of("acme"), List.of("evil")),
                                new Condition("request.auth.claims[iss]", List.of("https://issuer.example.com"),
                                        List.of())))));
    }

    public static PeerAuthentication peerAuthentication() {
        return new PeerAuthentication(
                demo("hello-strict"),
                Map.of("app", "hello"),
                PeerAuthentication.Mode.STRICT,
                Map.of(9090, PeerAuthentication.Mode.PERMISSIVE, 8081, PeerAuthentication.Mode.UNSET));
    }

    public static RequestAuthentication requestAuthentication() {
        return new RequestAuthentication(
                demo("hello-jwt"),
                Map.of("app", "hello"),
                List.of(new JwtRule(
                                "https://issuer.example.com",
                                List.of("hello-api", "hello-admin"),
                                Optional.of(URI.create("https://issuer.example.com/.well-known/jwks.json")),
                                Optional.empty(),
                                List.of(new JwtHeader("authorization", "Bearer "), new JwtHeader("x-jwt", "")),
                                true),
                        new JwtRule(
                                "https://other.example.com",
                                List.of(),
                                Optional.empty(),
                                Optional.of("{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"f83O\",\"y\":\"x_FE\"}]}"),
                                List.of(),
                                false)));
    }

    public static HttpRoute httpRoute() {
        RouteRule canary = new RouteRule(
                List.of(new RouteMatch(
                        Optional.of(PathMatch.prefix("/api")),
                        List.of(new HeaderMatch("x-canary", MatchType.EXACT, "true"),
                                new HeaderMatch("user-agent", MatchType.REGEX, ".*Mobile.*")),
                        List.of(new HeaderMatch("debug", MatchType.EXACT, "1")),
                        Optional.of("GET"))),
                new RouteFilters(
                        Optional.of(new HeaderModifier(Map.of("x-route", "split"), Map.of("x-added", "yes"),
                                List.of("x-remove-me"))),
                        Optional.of(new HeaderModifier(Map.of(), Map.of("x-served-by", "waypoint"),
                                List.of("server"))),
                        Optional.empty(),
                        Optional.of(new UrlRewrite(Optional.of("hello-internal.demo.svc.cluster.local"),
                                Optional.of(new PathReplacement(PathReplacement.Kind.PREFIX, "/v2/api")))),
                        List.of(new Mirror(ServiceRef.of(demo("hello-shadow"), 80), 12.5))),
                List.of(new BackendRef(ServiceRef.of(demo("hello-v1"), 80), 90),
                        new BackendRef(ServiceRef.of(demo("hello-v2"), 80), 10)),
                new RouteTimeouts(Optional.of(Duration.ofSeconds(10)), Optional.of(Duration.ofMillis(2500))));
        RouteRule redirect = new RouteRule(
                List.of(new RouteMatch(Optional.of(new PathMatch(MatchType.EXACT, "/old")), List.of(), List.of(),
                        Optional.empty())),
                new RouteFilters(Optional.empty(), Optional.empty(),
                        Optional.of(new RequestRedirect(Optional.of("https"), Optional.of("hello.example.com"),
                                Optional.of(new PathReplacement(PathReplacement.Kind.FULL, "/new")),
                                OptionalInt.of(8443), 301)),
                        Optional.empty(), List.of()),
                List.of(),
                RouteTimeouts.NONE);
        RouteRule items = new RouteRule(
                List.of(new RouteMatch(Optional.of(new PathMatch(MatchType.REGEX, "/items/[0-9]+")), List.of(),
                        List.of(), Optional.of("POST"))),
                RouteFilters.NONE,
                List.of(new BackendRef(ServiceRef.of(demo("hello-v1"), 8080), 1)),
                new RouteTimeouts(Optional.of(Duration.ZERO), Optional.empty()));
        return new HttpRoute(demo("hello-split"), List.of(ServiceRef.of(HELLO, 80), ServiceRef.of(demo("hello-alias"))),
                List.of(canary, redirect, items));
    }

    /** A route of an ingress Gateway: one parent for every listener, one for the listener "https" only. */
    public static HttpRoute ingressRoute() {
        return new HttpRoute(demo("hello-ingress"), List.of(),
                List.of(GatewayParentRef.of(NamespacedName.of("edge", "public")),
                        new GatewayParentRef(NamespacedName.of("edge", "internal"), Optional.of("https"),
                                OptionalInt.of(443))),
                List.of("hello.example.com", "*.hello.example.com"),
                List.of(new RouteRule(List.of(), RouteFilters.NONE,
                        List.of(new BackendRef(ServiceRef.of(HELLO, 80), 1)), RouteTimeouts.NONE)));
    }

    public static TrafficPolicy trafficPolicy() {
        return new TrafficPolicy(
                HELLO,
                ServiceRef.of(HELLO, 80),
                LoadBalancerAlgorithm.EWMA,
                Optional.of(new RetryPolicy(
                        3,
                        Optional.of(Duration.ofSeconds(2)),
                        Set.of(RetryOn.HTTP_5XX, RetryOn.CONNECT_FAILURE, RetryOn.RESET, RetryOn.RETRIABLE_STATUS_CODES),
                        Set.of(429, 503),
                        Set.of(14, 8),
                        Optional.of(new RetryBudget(0.2, 10, Duration.ofSeconds(10))))),
                Optional.of(Duration.ofSeconds(15)),
                Optional.of(new CircuitBreaker(OptionalInt.of(1000), OptionalInt.of(100), OptionalInt.of(2000),
                        OptionalInt.of(3))),
                Optional.of(new OutlierDetection(5, Duration.ofSeconds(10), Duration.ofSeconds(30), 50)),
                Optional.of(new FaultInjection(Optional.of(new FaultDelay(5, Duration.ofMillis(200))),
                        Optional.of(FaultAbort.http(1.5, 503)))),
                Optional.of(new Mirror(ServiceRef.of(demo("hello-shadow"), 80), 10)));
    }
}
