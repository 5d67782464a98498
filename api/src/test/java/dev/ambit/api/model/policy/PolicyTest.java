package dev.ambit.api.model.policy;

import static dev.ambit.api.model.ConfigAssertions.assertInvalid;
import static dev.ambit.api.model.ModelFixtures.demo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.ModelFixtures;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.workload.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PolicyTest {

    private static final Workload HELLO_V1 = ModelFixtures.workload();
    private static final String ROOT = WorkloadPolicy.DEFAULT_ROOT_NAMESPACE;

    @Test
    void appliesToSelectedWorkloadsOfItsNamespace() {
        assertTrue(policy(demo("p"), Map.of("app", "hello", "version", "v1")).appliesTo(HELLO_V1, ROOT));
        assertTrue(policy(demo("p"), Map.of()).appliesTo(HELLO_V1, ROOT));
        assertFalse(policy(demo("p"), Map.of("app", "hello", "version", "v2")).appliesTo(HELLO_V1, ROOT));
        assertFalse(policy(NamespacedName.of("other", "p"), Map.of()).appliesTo(HELLO_V1, ROOT));
    }

    @Test
    void appliesMeshWideFromTheRootNamespace() {
        assertTrue(policy(NamespacedName.of(ROOT, "p"), Map.of()).appliesTo(HELLO_V1, ROOT));
        assertTrue(policy(NamespacedName.of(ROOT, "p"), Map.of("app", "hello")).appliesTo(HELLO_V1, ROOT));
        assertFalse(policy(NamespacedName.of(ROOT, "p"), Map.of()).appliesTo(HELLO_V1, "mesh-root"));
        assertTrue(policy(NamespacedName.of("mesh-root", "p"), Map.of()).appliesTo(HELLO_V1, "mesh-root"));
    }

    @Test
    void portModesOverrideTheWorkloadMode() {
        PeerAuthentication peer = ModelFixtures.peerAuthentication();
        assertEquals(PeerAuthentication.Mode.PERMISSIVE, peer.modeFor(9090));
        assertEquals(PeerAuthentication.Mode.STRICT, peer.modeFor(8080));
    }

    @Test
    void copiesWhatItIsGiven() {
        List<SpiffeId> principals = new ArrayList<>(List.of(HELLO_V1.identity()));
        List<String> namespaces = new ArrayList<>(List.of("demo"));
        Source source = new Source(principals, null, namespaces, null);
        List<AuthorizationRule> rules = new ArrayList<>(List.of(new AuthorizationRule(List.of(source), null, null)));
        AuthorizationPolicy policy = new AuthorizationPolicy(demo("p"), null, AuthorizationPolicy.Action.DENY, rules);

        principals.clear();
        namespaces.add("other");
        rules.clear();

        assertEquals(List.of(HELLO_V1.identity()), policy.rules().get(0).from().get(0).principals());
        assertEquals(List.of("demo"), policy.rules().get(0).from().get(0).namespaces());
        assertEquals(List.of(), policy.rules().get(0).to());
        assertThrows(UnsupportedOperationException.class, () -> policy.rules().clear());
    }

    @Test
    void acceptsTheDocumentedConditionKeys() {
        for (String key : List.of("request.headers[x-user]", "request.auth.claims[iss]", "request.auth.claims[groups][0]",
                "source.ip", "request.auth.principal", "destination.port")) {
            new Condition(key, List.of("x"), List.of());
        }
    }

    @Test
    void nestedRecordsNameThemselves() {
        assertInvalid("Operation: paths[0]: '/a*b' has a '*' that is neither first nor last",
                () -> new Operation(null, null, null, List.of("/a*b"), null, null));
        assertInvalid("JwtRule: jwksUri: 'https:/jwks' is not an absolute http(s) URI",
                () -> new JwtRule("iss", null, Optional.of(java.net.URI.create("https:/jwks")), Optional.empty(), null, false));
        assertInvalid("PeerAuthentication demo/p: mode: is required", () -> new PeerAuthentication(demo("p"), null, null, null));
    }

    private static WorkloadPolicy policy(NamespacedName name, Map<String, String> selector) {
        return new AuthorizationPolicy(name, selector, AuthorizationPolicy.Action.ALLOW, List.of());
    }
}
