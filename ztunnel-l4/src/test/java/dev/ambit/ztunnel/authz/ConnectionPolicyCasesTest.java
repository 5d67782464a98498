package dev.ambit.ztunnel.authz;

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
import dev.ambit.runtime.testing.TestCa;
import dev.ambit.ztunnel.testing.Workloads;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Each part of a rule as the tunnel judges it for one connection, and the reason each verdict gives. */
class ConnectionPolicyCasesTest {

    private static final SpiffeId FRONTEND = TestCa.identity("web", "frontend");
    private static final SpiffeId BATCH = TestCa.identity("jobs", "batch");
    private static final InetSocketAddress DB_5432 = new InetSocketAddress(Workloads.loopback(3), 5432);
    private static final ConnectionAttributes PLAINTEXT = new ConnectionAttributes(Optional.empty(), DB_5432);

    private static ConnectionAttributes from(SpiffeId principal) {
        return new ConnectionAttributes(Optional.of(principal), DB_5432);
    }

    private static AuthorizationPolicy policy(String name, AuthorizationPolicy.Action action,
            AuthorizationRule... rules) {
        return new AuthorizationPolicy(NamespacedName.of("db", name), Map.of(), action, List.of(rules));
    }

    private static boolean allows(AuthorizationRule rule, ConnectionAttributes connection) {
        return L4Authorizer.authorize(List.of(policy("allow", AuthorizationPolicy.Action.ALLOW, rule)), connection)
                .allowed();
    }

    private static boolean denies(AuthorizationRule rule, ConnectionAttributes connection) {
        return !L4Authorizer.authorize(List.of(policy("deny", AuthorizationPolicy.Action.DENY, rule)), connection)
                .allowed();
    }

    private static AuthorizationRule from(Source source) {
        return new AuthorizationRule(List.of(source), List.of(), List.of());
    }

    private static AuthorizationRule to(Operation operation) {
        return new AuthorizationRule(List.of(), List.of(operation), List.of());
    }

    private static AuthorizationRule when(String key, List<String> values, List<String> notValues) {
        return new AuthorizationRule(List.of(), List.of(), List.of(new Condition(key, values, notValues)));
    }

    @Test
    void theVerdictNamesWhatDecidedIt() {
        assertEquals(new Decision(true, "no policy applies"), L4Authorizer.authorize(List.of(), from(FRONTEND)));
        AuthorizationRule any = new AuthorizationRule(List.of(), List.of(), List.of());
        assertEquals(new Decision(true, "allowed by db/second"), L4Authorizer.authorize(List.of(
                policy("first", AuthorizationPolicy.Action.ALLOW, from(new Source(List.of(BATCH), List.of(),
                        List.of(), List.of()))),
                policy("second", AuthorizationPolicy.Action.ALLOW, any)), from(FRONTEND)));
        assertEquals(new Decision(false, "denied by db/no"), L4Authorizer.authorize(List.of(
                policy("yes", AuthorizationPolicy.Action.ALLOW, any),
                policy("no", AuthorizationPolicy.Action.DENY, any)), from(FRONTEND)));
    }

    @Test
    void aDenyPolicyThatDoesNotMatchLeavesTheConnectionAllowed() {
        assertTrue(L4Authorizer.authorize(List.of(policy("no-jobs", AuthorizationPolicy.Action.DENY,
                from(new Source(List.of(), List.of(), List.of("jobs"), List.of()))),
                policy("empty-deny", AuthorizationPolicy.Action.DENY)), from(FRONTEND)).allowed());
    }

    @Test
    void sourceFieldsAndTheirNegations() {
        Source namespaces = new Source(List.of(), List.of(), List.of("web"), List.of());
        assertTrue(allows(from(namespaces), from(FRONTEND)));
        assertFalse(allows(from(namespaces), from(BATCH)));
        assertFalse(allows(from(namespaces), PLAINTEXT));
        Source notNamespaces = new Source(List.of(), List.of(), List.of(), List.of("jobs"));
        assertTrue(allows(from(notNamespaces), from(FRONTEND)));
        assertFalse(allows(from(notNamespaces), from(BATCH)));
        assertTrue(allows(from(notNamespaces), PLAINTEXT), "plaintext is in no namespace");
        Source notPrincipals = new Source(List.of(), List.of(BATCH), List.of(), List.of());
        assertTrue(allows(from(notPrincipals), from(FRONTEND)));
        assertFalse(allows(from(notPrincipals), from(BATCH)));
        assertTrue(allows(from(notPrincipals), PLAINTEXT));
    }

    @Test
    void portsAndNotPorts() {
        assertTrue(allows(to(new Operation(List.of(5432), List.of(), List.of(), List.of(), List.of(), List.of())),
                from(FRONTEND)));
        assertFalse(allows(to(new Operation(List.of(80), List.of(), List.of(), List.of(), List.of(), List.of())),
                from(FRONTEND)));
        assertFalse(allows(to(new Operation(List.of(), List.of(5432), List.of(), List.of(), List.of(), List.of())),
                from(FRONTEND)));
        assertTrue(allows(to(new Operation(List.of(), List.of(80), List.of(), List.of(), List.of(), List.of())),
                from(FRONTEND)));
        assertFalse(denies(to(new Operation(List.of(80), List.of(), List.of("GET"), List.of(), List.of(), List.of())),
                from(FRONTEND)), "a DENY for another port does not apply, L7 parts or not");
    }

    @Test
    void everyRequestFieldMakesAnOperationUnknownAtL4() {
        List<Operation> needRequests = List.of(
                new Operation(List.of(), List.of(), List.of(), List.of("/api/*"), List.of(), List.of()),
                new Operation(List.of(), List.of(), List.of(), List.of(), List.of("/admin"), List.of()),
                new Operation(List.of(), List.of(), List.of(), List.of(), List.of(), List.of("db.example")));
        for (Operation operation : needRequests) {
            assertFalse(allows(to(operation), from(FRONTEND)), operation + " never allows");
            assertTrue(denies(to(operation), from(FRONTEND)), operation + " always denies");
        }
    }

    @Test
    void connectionConditionsCompareTheirValues() {
        ConnectionAttributes connection = from(FRONTEND);
        assertTrue(allows(when("source.principal", List.of(FRONTEND.uri()), List.of()), connection));
        assertFalse(allows(when("source.principal", List.of(BATCH.uri()), List.of()), connection));
        assertFalse(allows(when("source.principal", List.of(FRONTEND.uri()), List.of()), PLAINTEXT));
        assertTrue(allows(when("destination.ip", List.of("127.0.0.3"), List.of()), connection));
        assertFalse(allows(when("destination.ip", List.of("127.0.0.4"), List.of()), connection));
        assertTrue(allows(when("destination.port", List.of("5432"), List.of()), connection));
        assertFalse(allows(when("destination.port", List.of("80"), List.of()), connection));
        assertFalse(allows(when("destination.port", List.of(), List.of("5432")), connection));
        assertTrue(allows(when("destination.port", List.of(), List.of("80")), connection));
        assertFalse(allows(when("source.namespace", List.of(), List.of("web")), connection));
        assertTrue(allows(when("source.namespace", List.of(), List.of("jobs")), connection));
    }

    @Test
    void conditionsTheTunnelCannotSeeNeverAllowAndAlwaysDeny() {
        for (String key : List.of("source.ip", "connection.sni", "request.auth.principal", "request.headers[x-a]")) {
            assertFalse(allows(when(key, List.of("*"), List.of()), from(FRONTEND)), key);
            assertTrue(denies(when(key, List.of("nothing-matches"), List.of()), from(FRONTEND)), key);
        }
    }

    @Test
    void theSourceNamespaceIsThePrincipalsNamespace() {
        assertEquals(Optional.of("web"), from(FRONTEND).sourceNamespace());
        assertEquals(Optional.empty(), PLAINTEXT.sourceNamespace());
    }
}
