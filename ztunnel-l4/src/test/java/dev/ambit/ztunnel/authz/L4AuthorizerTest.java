package dev.ambit.ztunnel.authz;

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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class L4AuthorizerTest {

    private static final SpiffeId FRONTEND = TestCa.identity("web", "frontend");
    private static final SpiffeId BATCH = TestCa.identity("jobs", "batch");
    private static final InetSocketAddress DB_5432 = new InetSocketAddress(Workloads.loopback(3), 5432);

    @Test
    void noPolicyAllows() {
        assertTrue(L4Authorizer.authorize(List.of(), from(FRONTEND)).allowed());
    }

    @Test
    void allowPolicyAdmitsOnlyWhatItMatches() {
        List<AuthorizationPolicy> policies = List.of(allow("frontend-only", rule(principals(FRONTEND), List.of())));
        assertTrue(L4Authorizer.authorize(policies, from(FRONTEND)).allowed());
        Decision batch = L4Authorizer.authorize(policies, from(BATCH));
        assertFalse(batch.allowed());
        assertEquals("no ALLOW policy matches", batch.reason());
    }

    @Test
    void denyWinsOverAllow() {
        List<AuthorizationPolicy> policies = List.of(
                allow("everyone", new AuthorizationRule(List.of(), List.of(), List.of())),
                deny("no-jobs", rule(namespaces("jobs"), List.of())));
        assertTrue(L4Authorizer.authorize(policies, from(FRONTEND)).allowed());
        Decision batch = L4Authorizer.authorize(policies, from(BATCH));
        assertFalse(batch.allowed());
        assertEquals("denied by db/no-jobs", batch.reason());
    }

    @Test
    void portsNarrowARule() {
        List<AuthorizationPolicy> policies = List.of(deny("no-5432", rule(List.of(), List.of(ports(5432)))));
        assertFalse(L4Authorizer.authorize(policies, from(FRONTEND)).allowed());
        assertTrue(L4Authorizer.authorize(policies, new ConnectionAttributes(Optional.of(FRONTEND),
                new InetSocketAddress(Workloads.loopback(3), 8080))).allowed());
    }

    @Test
    void requestAttributesNeverAllowAndAlwaysDenyAtL4() {
        Operation getOnly = new Operation(List.of(), List.of(), List.of("GET"), List.of(), List.of(), List.of());
        assertFalse(L4Authorizer.authorize(List.of(allow("get", rule(List.of(), List.of(getOnly)))), from(FRONTEND))
                .allowed());
        assertFalse(L4Authorizer.authorize(List.of(deny("no-get", rule(List.of(), List.of(getOnly)))), from(FRONTEND))
                .allowed());
        Condition header = new Condition("request.headers[x-user]", List.of("admin"), List.of());
        assertFalse(L4Authorizer.authorize(List.of(allow("admin", new AuthorizationRule(List.of(), List.of(),
                List.of(header)))), from(FRONTEND)).allowed());
    }

    @Test
    void connectionConditionsAreChecked() {
        Condition fromWeb = new Condition("source.namespace", List.of("web"), List.of());
        List<AuthorizationPolicy> policies = List.of(allow("web", new AuthorizationRule(List.of(), List.of(),
                List.of(fromWeb))));
        assertTrue(L4Authorizer.authorize(policies, from(FRONTEND)).allowed());
        assertFalse(L4Authorizer.authorize(policies, from(BATCH)).allowed());
    }

    @Test
    void plaintextMatchesNoPrincipalButEveryNotPrincipal() {
        ConnectionAttributes plaintext = new ConnectionAttributes(Optional.empty(), DB_5432);
        assertFalse(L4Authorizer.authorize(List.of(allow("frontend", rule(principals(FRONTEND), List.of()))),
                plaintext).allowed());
        Source notFrontend = new Source(List.of(), List.of(FRONTEND), List.of(), List.of());
        assertFalse(L4Authorizer.authorize(List.of(deny("not-frontend", rule(List.of(notFrontend), List.of()))),
                plaintext).allowed());
    }

    private static ConnectionAttributes from(SpiffeId principal) {
        return new ConnectionAttributes(Optional.of(principal), DB_5432);
    }

    private static AuthorizationPolicy allow(String name, AuthorizationRule rule) {
        return new AuthorizationPolicy(NamespacedName.of("db", name), Map.of(), AuthorizationPolicy.Action.ALLOW,
                List.of(rule));
    }

    private static AuthorizationPolicy deny(String name, AuthorizationRule rule) {
        return new AuthorizationPolicy(NamespacedName.of("db", name), Map.of(), AuthorizationPolicy.Action.DENY,
                List.of(rule));
    }

    private static AuthorizationRule rule(List<Source> from, List<Operation> to) {
        return new AuthorizationRule(from, to, List.of());
    }

    private static List<Source> principals(SpiffeId principal) {
        return List.of(new Source(List.of(principal), List.of(), List.of(), List.of()));
    }

    private static List<Source> namespaces(String namespace) {
        return List.of(new Source(List.of(), List.of(), List.of(namespace), List.of()));
    }

    private static Operation ports(int port) {
        return new Operation(List.of(port), List.of(), List.of(), List.of(), List.of(), List.of());
    }
}
