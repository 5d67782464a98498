package dev.ambit.waypoint.authz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.policy.AuthorizationPolicy;
import dev.ambit.api.model.policy.AuthorizationRule;
import dev.ambit.api.model.policy.Condition;
import dev.ambit.api.model.policy.Operation;
import dev.ambit.api.model.policy.Source;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestAuthorizationTest {

    private static final SpiffeId FRONTEND = SpiffeId.of("cluster.local", "web", "frontend");
    private static final SpiffeId BATCH = SpiffeId.of("cluster.local", "jobs", "batch");

    private static AuthzRequest request(Optional<SpiffeId> peer, String method, String host, String path,
            HttpHeaders headers, Map<String, Object> claims) {
        return new AuthzRequest(peer, "10.0.0.5", "10.0.1.7", List.of(80, 8080), method, host, path, headers, claims);
    }

    private static AuthzRequest from(SpiffeId peer) {
        return request(Optional.of(peer), "GET", "api.demo", "/", new DefaultHttpHeaders(), Map.of());
    }

    private static AuthzRequest op(String method, String host, String path) {
        return request(Optional.of(FRONTEND), method, host, path, new DefaultHttpHeaders(), Map.of());
    }

    private static boolean rule(AuthorizationRule rule, AuthzRequest request) {
        return new RuleMatcher(rule).matches(request);
    }

    private static AuthorizationRule source(Source source) {
        return new AuthorizationRule(List.of(source), List.of(), List.of());
    }

    private static AuthorizationRule operation(Operation operation) {
        return new AuthorizationRule(List.of(), List.of(operation), List.of());
    }

    private static AuthorizationRule when(Condition condition) {
        return new AuthorizationRule(List.of(), List.of(), List.of(condition));
    }

    private static AuthzRequest plaintext() {
        return request(Optional.empty(), "GET", "api.demo", "/", new DefaultHttpHeaders(), Map.of());
    }

    @Test
    void sourcesMatchPrincipalsAndNamespacesAndTheirNegations() {
        AuthorizationRule principal = source(new Source(List.of(FRONTEND), List.of(), List.of(), List.of()));
        assertTrue(rule(principal, from(FRONTEND)));
        assertFalse(rule(principal, from(BATCH)));
        assertFalse(rule(principal, plaintext()), "plaintext has no principal");

        AuthorizationRule notPrincipal = source(new Source(List.of(), List.of(BATCH), List.of(), List.of()));
        assertTrue(rule(notPrincipal, from(FRONTEND)));
        assertFalse(rule(notPrincipal, from(BATCH)));
        assertTrue(rule(notPrincipal, plaintext()));

        AuthorizationRule namespace = source(new Source(List.of(), List.of(), List.of("web"), List.of()));
        assertTrue(rule(namespace, from(FRONTEND)));
        assertFalse(rule(namespace, from(BATCH)));
        assertFalse(rule(namespace, plaintext()));

        AuthorizationRule notNamespace = source(new Source(List.of(), List.of(), List.of(), List.of("jobs")));
        assertTrue(rule(notNamespace, from(FRONTEND)));
        assertFalse(rule(notNamespace, from(BATCH)));
        assertTrue(rule(notNamespace, plaintext()));
    }

    @Test
    void anyOfSeveralSourcesIsEnough() {
        AuthorizationRule either = new AuthorizationRule(List.of(
                new Source(List.of(BATCH), List.of(), List.of(), List.of()),
                new Source(List.of(FRONTEND), List.of(), List.of(), List.of())), List.of(), List.of());
        assertTrue(rule(either, from(FRONTEND)));
        assertTrue(rule(either, from(BATCH)));
        assertFalse(rule(either, plaintext()));
    }

    private static Operation ports(List<Integer> ports, List<Integer> notPorts) {
        return new Operation(ports, notPorts, List.of(), List.of(), List.of(), List.of());
    }

    @Test
    void operationsMatchEitherPortOfTheDestination() {
        assertTrue(rule(operation(ports(List.of(8080), List.of())), op("GET", "h", "/")), "the target port");
        assertTrue(rule(operation(ports(List.of(80), List.of())), op("GET", "h", "/")), "the service port");
        assertFalse(rule(operation(ports(List.of(9090), List.of())), op("GET", "h", "/")));
        assertFalse(rule(operation(ports(List.of(), List.of(80))), op("GET", "h", "/")));
        assertTrue(rule(operation(ports(List.of(), List.of(9090))), op("GET", "h", "/")));
    }

    @Test
    void operationsMatchMethodsPathsAndHosts() {
        AuthorizationRule methods = operation(new Operation(List.of(), List.of(), List.of("GET", "HEAD"), List.of(),
                List.of(), List.of()));
        assertTrue(rule(methods, op("HEAD", "h", "/")));
        assertFalse(rule(methods, op("POST", "h", "/")));

        AuthorizationRule paths = operation(new Operation(List.of(), List.of(), List.of(), List.of("/api/*", "/health"),
                List.of("/api/admin*"), List.of()));
        assertTrue(rule(paths, op("GET", "h", "/api/users")));
        assertTrue(rule(paths, op("GET", "h", "/health")));
        assertFalse(rule(paths, op("GET", "h", "/healthz")));
        assertFalse(rule(paths, op("GET", "h", "/api/admin/keys")), "notPaths wins");

        AuthorizationRule notPathsOnly = operation(new Operation(List.of(), List.of(), List.of(), List.of(),
                List.of("*.json"), List.of()));
        assertTrue(rule(notPathsOnly, op("GET", "h", "/a.html")));
        assertFalse(rule(notPathsOnly, op("GET", "h", "/a.json")));

        AuthorizationRule hosts = operation(new Operation(List.of(), List.of(), List.of(), List.of(), List.of(),
                List.of("*.demo.svc", "API.example")));
        assertTrue(rule(hosts, op("GET", "web.demo.svc", "/")));
        assertTrue(rule(hosts, op("GET", "api.EXAMPLE", "/")), "hosts compare without case");
        assertFalse(rule(hosts, op("GET", "web.other.svc", "/")));
    }

    @Test
    void stringPatternsAreExactSuffixPrefixOrAny() {
        assertTrue(new StringPattern("*", false).matches(""));
        assertFalse(new StringPattern("*", false).matches(null), "an absent value matches nothing");
        assertTrue(new StringPattern("*.b", false).matches("a.b"));
        assertFalse(new StringPattern("*.b", false).matches("a.c"));
        assertTrue(new StringPattern("/a*", false).matches("/abc"));
        assertFalse(new StringPattern("/a*", false).matches("/b"));
        assertTrue(new StringPattern("/a", false).matches("/a"));
        assertFalse(new StringPattern("/a", false).matches("/A"), "paths keep their case");
        assertFalse(new StringPattern("/a", false).matches("/ab"));
        assertTrue(new StringPattern("Web", true).matches("wEB"));
    }

    private static Condition condition(String key, List<String> values, List<String> notValues) {
        return new Condition(key, values, notValues);
    }

    @Test
    void conditionsOnConnectionAttributes() {
        AuthzRequest request = from(FRONTEND);
        assertTrue(rule(when(condition("source.ip", List.of("10.0.0.5"), List.of())), request));
        assertFalse(rule(when(condition("source.ip", List.of("10.0.0.6"), List.of())), request));
        assertTrue(rule(when(condition("source.namespace", List.of("web"), List.of())), request));
        assertFalse(rule(when(condition("source.namespace", List.of("web"), List.of())), plaintext()));
        assertTrue(rule(when(condition("source.principal", List.of(FRONTEND.uri()), List.of())), request));
        assertFalse(rule(when(condition("source.principal", List.of(FRONTEND.uri()), List.of())), plaintext()));
        assertTrue(rule(when(condition("destination.ip", List.of("10.0.1.7"), List.of())), request));
        assertFalse(rule(when(condition("destination.ip", List.of("10.0.1.8"), List.of())), request));
        assertTrue(rule(when(condition("destination.port", List.of("8080"), List.of())), request));
        assertFalse(rule(when(condition("destination.port", List.of("9090"), List.of())), request));
        assertFalse(rule(when(condition("destination.port", List.of(), List.of("80"))), request));
        assertFalse(rule(when(condition("connection.sni", List.of("*"), List.of())), request),
                "an attribute a waypoint does not know has no value");
        assertTrue(rule(when(condition("connection.sni", List.of(), List.of("x"))), request));
    }

    @Test
    void conditionsOnRequestHeaders() {
        HttpHeaders headers = new DefaultHttpHeaders().add("x-team", "blue").add("x-team", "red");
        AuthzRequest request = request(Optional.of(FRONTEND), "GET", "h", "/", headers, Map.of());
        assertTrue(rule(when(condition("request.headers[x-team]", List.of("red"), List.of())), request));
        assertTrue(rule(when(condition("request.headers[x-team]", List.of("gr*", "bl*"), List.of())), request));
        assertFalse(rule(when(condition("request.headers[x-team]", List.of("green"), List.of())), request));
        assertFalse(rule(when(condition("request.headers[x-team]", List.of(), List.of("blue"))), request),
                "any value among notValues refuses");
        assertFalse(rule(when(condition("request.headers[x-missing]", List.of("*"), List.of())), request));
        assertTrue(rule(when(condition("request.headers[x-missing]", List.of(), List.of("*"))), request));
    }

    @Test
    void conditionsOnTokenClaims() {
        Map<String, Object> claims = Map.of("iss", "https://issuer", "sub", "alice", "aud", List.of("api", "web"),
                "azp", "cli", "groups", List.of("admins", "devs"), "org", Map.of("team", "core", "id", 7));
        AuthzRequest request = request(Optional.of(FRONTEND), "GET", "h", "/", new DefaultHttpHeaders(), claims);
        assertTrue(rule(when(condition("request.auth.principal", List.of("https://issuer/alice"), List.of())),
                request));
        assertTrue(rule(when(condition("request.auth.audiences", List.of("web"), List.of())), request));
        assertFalse(rule(when(condition("request.auth.audiences", List.of("db"), List.of())), request));
        assertTrue(rule(when(condition("request.auth.presenter", List.of("cli"), List.of())), request));
        assertTrue(rule(when(condition("request.auth.claims[groups]", List.of("admins"), List.of())), request));
        assertFalse(rule(when(condition("request.auth.claims[groups]", List.of("ops"), List.of())), request));
        assertTrue(rule(when(condition("request.auth.claims[org][team]", List.of("core"), List.of())), request));
        assertTrue(rule(when(condition("request.auth.claims[org][id]", List.of("7"), List.of())), request));
        assertFalse(rule(when(condition("request.auth.claims[org]", List.of("*"), List.of())), request),
                "an object claim has no string value");
        assertFalse(rule(when(condition("request.auth.claims[sub][x]", List.of("*"), List.of())), request),
                "a path through a string claim leads nowhere");
        assertFalse(rule(when(condition("request.auth.claims[missing]", List.of("*"), List.of())), request));

        AuthzRequest noIssuer = request(Optional.of(FRONTEND), "GET", "h", "/", new DefaultHttpHeaders(),
                Map.of("sub", "alice"));
        assertFalse(rule(when(condition("request.auth.principal", List.of("*"), List.of())), noIssuer));
        AuthzRequest noSubject = request(Optional.of(FRONTEND), "GET", "h", "/", new DefaultHttpHeaders(),
                Map.of("iss", "https://issuer"));
        assertFalse(rule(when(condition("request.auth.principal", List.of("*"), List.of())), noSubject));
    }

    @Test
    void everyConditionMustHold() {
        AuthorizationRule both = new AuthorizationRule(List.of(), List.of(), List.of(
                condition("source.namespace", List.of("web"), List.of()),
                condition("destination.port", List.of("8080"), List.of())));
        assertTrue(rule(both, from(FRONTEND)));
        assertFalse(rule(both, from(BATCH)));
        AuthorizationRule fromAndTo = new AuthorizationRule(
                List.of(new Source(List.of(), List.of(), List.of("web"), List.of())),
                List.of(new Operation(List.of(), List.of(), List.of("POST"), List.of(), List.of(), List.of())),
                List.of());
        assertFalse(rule(fromAndTo, from(FRONTEND)), "source matches, operation does not");
        assertTrue(rule(fromAndTo, request(Optional.of(FRONTEND), "POST", "h", "/", new DefaultHttpHeaders(),
                Map.of())));
        assertFalse(rule(fromAndTo, request(Optional.of(BATCH), "POST", "h", "/", new DefaultHttpHeaders(),
                Map.of())), "operation matches, source does not");
    }

    private static AuthorizationPolicy policy(String name, AuthorizationPolicy.Action action,
            AuthorizationRule... rules) {
        return new AuthorizationPolicy(NamespacedName.of("demo", name), Map.of(), action, List.of(rules));
    }

    private static final AuthorizationRule FROM_WEB = source(new Source(List.of(), List.of(), List.of("web"),
            List.of()));
    private static final AuthorizationRule FROM_JOBS = source(new Source(List.of(), List.of(), List.of("jobs"),
            List.of()));

    @Test
    void denyWinsThenAnAllowMustMatch() {
        AuthorizationEngine engine = AuthorizationEngine.of(List.of(
                policy("allow-web", AuthorizationPolicy.Action.ALLOW, FROM_WEB),
                policy("deny-jobs", AuthorizationPolicy.Action.DENY, FROM_JOBS)));
        assertFalse(engine.allowsAll());
        assertEquals(AuthzDecision.ALLOW, engine.decide(from(FRONTEND)));
        assertEquals(AuthzDecision.deny("denied by policy demo/deny-jobs"), engine.decide(from(BATCH)));
        assertEquals(AuthzDecision.deny("no ALLOW policy matched"), engine.decide(plaintext()));
    }

    @Test
    void onlyDenyPoliciesAllowTheRest() {
        AuthorizationEngine engine = AuthorizationEngine.of(List.of(
                policy("deny-jobs", AuthorizationPolicy.Action.DENY, FROM_JOBS)));
        assertFalse(engine.allowsAll());
        assertTrue(engine.decide(from(FRONTEND)).allowed());
        assertFalse(engine.decide(from(BATCH)).allowed());
    }

    @Test
    void anAllowPolicyWithoutRulesAllowsNothing() {
        AuthorizationEngine engine = AuthorizationEngine.of(List.of(policy("empty", AuthorizationPolicy.Action.ALLOW)));
        assertFalse(engine.allowsAll());
        assertFalse(engine.decide(from(FRONTEND)).allowed());
    }

    @Test
    void theFirstDenyingPolicyByNameIsTheReason() {
        AuthorizationEngine engine = AuthorizationEngine.of(List.of(
                policy("z-deny", AuthorizationPolicy.Action.DENY, FROM_WEB),
                policy("a-deny", AuthorizationPolicy.Action.DENY, FROM_WEB)));
        assertEquals("denied by policy demo/a-deny", engine.decide(from(FRONTEND)).reason());
    }

    @Test
    void noPoliciesAllowAll() {
        assertTrue(AuthorizationEngine.ALLOW_ALL.allowsAll());
        assertTrue(AuthorizationEngine.of(List.of()).allowsAll());
        assertTrue(AuthorizationEngine.ALLOW_ALL.decide(plaintext()).allowed());
    }
}
