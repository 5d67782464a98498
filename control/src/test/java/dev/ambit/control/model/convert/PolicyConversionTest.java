package dev.ambit.control.model.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.InvalidConfigException;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.ServiceRef;
import dev.ambit.api.model.policy.AuthorizationPolicy;
import dev.ambit.api.model.policy.AuthorizationRule;
import dev.ambit.api.model.policy.Condition;
import dev.ambit.api.model.policy.JwtHeader;
import dev.ambit.api.model.policy.JwtRule;
import dev.ambit.api.model.policy.Operation;
import dev.ambit.api.model.policy.PeerAuthentication;
import dev.ambit.api.model.policy.RequestAuthentication;
import dev.ambit.api.model.policy.Source;
import dev.ambit.api.model.traffic.CircuitBreaker;
import dev.ambit.api.model.traffic.FaultAbort;
import dev.ambit.api.model.traffic.FaultDelay;
import dev.ambit.api.model.traffic.LoadBalancerAlgorithm;
import dev.ambit.api.model.traffic.Mirror;
import dev.ambit.api.model.traffic.OutlierDetection;
import dev.ambit.api.model.traffic.RetryBudget;
import dev.ambit.api.model.traffic.RetryOn;
import dev.ambit.api.model.traffic.RetryPolicy;
import dev.ambit.api.model.traffic.TrafficPolicy;
import dev.ambit.control.crd.AuthorizationPolicyResource;
import dev.ambit.control.crd.PeerAuthenticationResource;
import dev.ambit.control.crd.RequestAuthenticationResource;
import dev.ambit.control.crd.TrafficPolicyResource;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The security.ambit.dev and traffic.ambit.dev resources into the model, with their defaults and failures. */
class PolicyConversionTest {

    private static final String TD = "cluster.local";

    private static String object(String apiVersion, String kind, String spec) {
        return "apiVersion: " + apiVersion + "\nkind: " + kind + "\nmetadata:\n  name: p\n  namespace: demo\n"
                + (spec == null ? "" : "spec:\n" + spec.indent(2));
    }

    private static AuthorizationPolicy authorization(String spec) {
        return SecurityPolicyConverter.authorization(K8sYaml.read(AuthorizationPolicyResource.class,
                object("security.ambit.dev/v1", "AuthorizationPolicy", spec)));
    }

    private static PeerAuthentication peer(String spec) {
        return SecurityPolicyConverter.peer(K8sYaml.read(PeerAuthenticationResource.class,
                object("security.ambit.dev/v1", "PeerAuthentication", spec)));
    }

    private static RequestAuthentication request(String spec) {
        return SecurityPolicyConverter.request(K8sYaml.read(RequestAuthenticationResource.class,
                object("security.ambit.dev/v1", "RequestAuthentication", spec)));
    }

    private static TrafficPolicy traffic(String spec) {
        return TrafficPolicyConverter.convert(K8sYaml.read(TrafficPolicyResource.class,
                object("traffic.ambit.dev/v1", "TrafficPolicy", spec)));
    }

    @Test
    void anAuthorizationPolicyWithItsRules() {
        AuthorizationPolicy policy = authorization("""
                selector:
                  matchLabels:
                    app: db
                action: deny
                rules:
                - from:
                  - source:
                      principals: [cluster.local/ns/web/sa/frontend]
                      notPrincipals: ["spiffe://cluster.local/ns/jobs/sa/batch"]
                      namespaces: [web]
                      notNamespaces: [jobs]
                  to:
                  - operation:
                      ports: [5432]
                      notPorts: [22]
                      methods: [GET]
                      paths: [/api/*]
                      notPaths: [/admin]
                      hosts: [db.example]
                  when:
                  - key: source.ip
                    values: [10.0.0.1]
                    notValues: [10.0.0.2]
                """);
        assertEquals(NamespacedName.of("demo", "p"), policy.name());
        assertEquals(Map.of("app", "db"), policy.selector());
        assertEquals(AuthorizationPolicy.Action.DENY, policy.action());
        assertEquals(List.of(new AuthorizationRule(
                List.of(new Source(List.of(SpiffeId.of(TD, "web", "frontend")), List.of(SpiffeId.of(TD, "jobs", "batch")),
                        List.of("web"), List.of("jobs"))),
                List.of(new Operation(List.of(5432), List.of(22), List.of("GET"), List.of("/api/*"), List.of("/admin"),
                        List.of("db.example"))),
                List.of(new Condition("source.ip", List.of("10.0.0.1"), List.of("10.0.0.2"))))), policy.rules());
    }

    @Test
    void anAuthorizationPolicyDefaultsToAllowEverythingEmpty() {
        AuthorizationPolicy policy = authorization("""
                rules:
                - {}
                - from:
                  - source: {}
                  to:
                  - operation: {}
                """);
        assertEquals(AuthorizationPolicy.Action.ALLOW, policy.action());
        assertEquals(Map.of(), policy.selector());
        assertEquals(new AuthorizationRule(List.of(), List.of(), List.of()), policy.rules().get(0));
        assertEquals(new AuthorizationRule(List.of(new Source(List.of(), List.of(), List.of(), List.of())),
                List.of(new Operation(List.of(), List.of(), List.of(), List.of(), List.of(), List.of())), List.of()),
                policy.rules().get(1));
        assertEquals(List.of(), authorization("{}").rules());
    }

    @Test
    void authorizationFailuresNameTheField() {
        assertEquals("spec.rules[0].from[0].source.principals[1]", assertThrows(InvalidConfigException.class,
                () -> authorization("""
                        rules:
                        - from:
                          - source:
                              principals: [cluster.local/ns/web/sa/a, "cluster.local/ns/Web/sa/b"]
                        """)).field());
        assertEquals("spec.rules[0].from[0].source", assertThrows(InvalidConfigException.class,
                () -> authorization("""
                        rules:
                        - from:
                          - {}
                        """)).field());
        assertEquals("spec.rules[0].to[0].operation", assertThrows(InvalidConfigException.class,
                () -> authorization("""
                        rules:
                        - to:
                          - {}
                        """)).field());
        InvalidConfigException action = assertThrows(InvalidConfigException.class, () -> authorization("""
                action: audit
                """));
        assertEquals("spec.action", action.field());
        assertTrue(action.problem().contains("[ALLOW, DENY]"), action.problem());
        assertEquals("spec", assertThrows(InvalidConfigException.class, () -> authorization(null)).field());
    }

    @Test
    void aPeerAuthenticationWithPortModes() {
        PeerAuthentication peer = peer("""
                selector:
                  matchLabels:
                    app: db
                mtls:
                  mode: STRICT
                portLevelMtls:
                  "8080":
                    mode: permissive
                  "9090": {}
                """);
        assertEquals(PeerAuthentication.Mode.STRICT, peer.mode());
        assertEquals(Map.of(8080, PeerAuthentication.Mode.PERMISSIVE, 9090, PeerAuthentication.Mode.UNSET),
                peer.portModes());
        assertEquals(PeerAuthentication.Mode.UNSET, peer("{}").mode());
        assertEquals(PeerAuthentication.Mode.UNSET, peer("mtls: {}").mode());
        assertTrue(assertThrows(InvalidConfigException.class, () -> peer("""
                selector:
                  matchLabels:
                    app: db
                portLevelMtls:
                  http:
                    mode: STRICT
                """)).field().endsWith("portLevelMtls[http]"));
        assertTrue(assertThrows(InvalidConfigException.class, () -> peer("""
                selector:
                  matchLabels:
                    app: db
                portLevelMtls:
                  "80":
                    mode: sometimes
                """)).field().endsWith("portLevelMtls[80].mode"));
    }

    @Test
    void aRequestAuthenticationWithItsJwtRules() {
        RequestAuthentication request = request("""
                jwtRules:
                - issuer: https://issuer.example
                  audiences: [api]
                  jwksUri: https://issuer.example/jwks
                  fromHeaders:
                  - name: x-jwt
                  - name: x-token
                    prefix: "Token "
                  forwardOriginalToken: true
                - issuer: inline
                  jwks: '{"keys": []}'
                """);
        assertEquals(List.of(
                new JwtRule("https://issuer.example", List.of("api"), Optional.of(URI.create("https://issuer.example/jwks")),
                        Optional.empty(), List.of(new JwtHeader("x-jwt", ""), new JwtHeader("x-token", "Token ")), true),
                new JwtRule("inline", List.of(), Optional.empty(), Optional.of("{\"keys\": []}"), List.of(), false)),
                request.jwtRules());
        assertEquals("spec.jwtRules[0].jwksUri", assertThrows(InvalidConfigException.class, () -> request("""
                jwtRules:
                - issuer: x
                  jwksUri: "http://bad host/"
                """)).field());
    }

    @Test
    void aTrafficPolicyWithEverySection() {
        TrafficPolicy policy = traffic("""
                targetRef:
                  name: web
                  port: 80
                loadBalancer: least_request
                timeout: 5s
                retries:
                  attempts: 3
                  perTryTimeout: 500ms
                  retryOn: [gateway_error, RETRIABLE_STATUS_CODES]
                  retriableStatusCodes: [409]
                  retriableGrpcStatuses: [14]
                  budget:
                    ratio: 0.2
                    minRetriesPerSecond: 5
                    ttl: 30s
                circuitBreaker:
                  maxConnections: 10
                  maxPendingRequests: 1
                  maxRequests: 20
                  maxRetries: 2
                outlierDetection:
                  consecutive5xx: 3
                  interval: 5s
                  baseEjectionTime: 1m
                  maxEjectionPercent: 50
                fault:
                  delay:
                    percentage: 10
                    fixedDelay: 2s
                  abort:
                    httpStatus: 503
                mirror:
                  backend:
                    name: shadow
                    namespace: other
                    port: 8080
                  percentage: 5
                """);
        assertEquals(ServiceRef.of(NamespacedName.of("demo", "web"), 80), policy.targetRef());
        assertEquals(LoadBalancerAlgorithm.LEAST_REQUEST, policy.loadBalancer());
        assertEquals(Optional.of(Duration.ofSeconds(5)), policy.timeout());
        assertEquals(new RetryPolicy(3, Optional.of(Duration.ofMillis(500)),
                Set.of(RetryOn.GATEWAY_ERROR, RetryOn.RETRIABLE_STATUS_CODES), Set.of(409), Set.of(14),
                Optional.of(new RetryBudget(0.2, 5, Duration.ofSeconds(30)))), policy.retries().orElseThrow());
        assertEquals(new CircuitBreaker(OptionalInt.of(10), OptionalInt.of(1), OptionalInt.of(20), OptionalInt.of(2)),
                policy.circuitBreaker().orElseThrow());
        assertEquals(new OutlierDetection(3, Duration.ofSeconds(5), Duration.ofMinutes(1), 50),
                policy.outlierDetection().orElseThrow());
        assertEquals(Optional.of(new FaultDelay(10, Duration.ofSeconds(2))), policy.fault().orElseThrow().delay());
        assertEquals(Optional.of(FaultAbort.http(100, 503)), policy.fault().orElseThrow().abort());
        assertEquals(Optional.of(new Mirror(ServiceRef.of(NamespacedName.of("other", "shadow"), 8080), 5)),
                policy.mirror());
    }

    @Test
    void aTrafficPolicyFillsItsDefaults() {
        TrafficPolicy policy = traffic("""
                targetRef:
                  name: web
                retries:
                  retryOn: [reset]
                  budget: {}
                outlierDetection: {}
                fault:
                  abort:
                    grpcStatus: 14
                mirror:
                  backend:
                    name: shadow
                    port: 80
                """);
        assertEquals(ServiceRef.of(NamespacedName.of("demo", "web")), policy.targetRef());
        assertEquals(LoadBalancerAlgorithm.ROUND_ROBIN, policy.loadBalancer());
        assertEquals(Optional.empty(), policy.timeout());
        RetryPolicy retries = policy.retries().orElseThrow();
        assertEquals(0, retries.attempts());
        assertEquals(Optional.empty(), retries.perTryTimeout());
        assertEquals(Optional.of(new RetryBudget(0, 0, Duration.ofSeconds(10))), retries.budget());
        assertEquals(new OutlierDetection(5, Duration.ofSeconds(10), Duration.ofSeconds(30), 10),
                policy.outlierDetection().orElseThrow());
        assertEquals(Optional.of(FaultAbort.grpc(100, 14)), policy.fault().orElseThrow().abort());
        assertEquals(Optional.empty(), policy.fault().orElseThrow().delay());
        assertEquals(100, policy.mirror().orElseThrow().percentage());
        assertFalse(policy.circuitBreaker().isPresent());
        TrafficPolicy bare = traffic("""
                targetRef:
                  name: web
                """);
        assertEquals(Optional.empty(), bare.retries());
        assertEquals(Optional.empty(), bare.outlierDetection());
        assertEquals(Optional.empty(), bare.fault());
        assertEquals(Optional.empty(), bare.mirror());
    }

    @Test
    void trafficPolicyFailuresNameTheField() {
        assertEquals("spec.targetRef", assertThrows(InvalidConfigException.class, () -> traffic("""
                loadBalancer: RANDOM
                """)).field());
        assertEquals("spec.retries.retryOn[1]", assertThrows(InvalidConfigException.class, () -> traffic("""
                targetRef:
                  name: web
                retries:
                  retryOn: [reset, ""]
                """)).field());
        assertEquals("spec.retries.budget.ttl", assertThrows(InvalidConfigException.class, () -> traffic("""
                targetRef:
                  name: web
                retries:
                  retryOn: [reset]
                  budget:
                    ttl: forever
                """)).field());
        assertEquals("spec.mirror.backend", assertThrows(InvalidConfigException.class, () -> traffic("""
                targetRef:
                  name: web
                mirror:
                  percentage: 5
                """)).field());
        assertEquals("spec.fault.delay.fixedDelay", assertThrows(InvalidConfigException.class, () -> traffic("""
                targetRef:
                  name: web
                fault:
                  delay:
                    percentage: 5
                """)).field());
        assertEquals("spec.loadBalancer", assertThrows(InvalidConfigException.class, () -> traffic("""
                targetRef:
                  name: web
                loadBalancer: fastest
                """)).field());
    }
}
