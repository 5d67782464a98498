package dev.ambit.cli.ingress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.cli.CliRun;
import dev.ambit.cli.KubernetesCluster;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddressBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class IngressCommandTest {

    KubernetesClient client;
    KubernetesMockServer server;

    @BeforeEach
    void namespace() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("edge").endMetadata().build())
                .createOr(existing -> existing.update());
        client.secrets().inNamespace("edge").resource(new SecretBuilder().withNewMetadata().withName("shop-tls")
                .endMetadata().withType("kubernetes.io/tls").build()).createOr(existing -> existing.update());
    }

    @Test
    void applyCreatesAnAmbitIngressGatewayWithAnHttpAndAnHttpsListenerPerHostname() {
        CliRun run = CliRun.run(KubernetesCluster.of(client), "ingress", "apply", "-n", "edge", "--name", "public",
                "--https", "shop.example.com=shop-tls", "--https", "*.api.example.com=api-tls",
                "--all-namespaces-routes");
        assertEquals(0, run.exit(), run.toString());
        Gateway gateway = gateway("public");
        assertEquals("ambit-ingress", gateway.getSpec().getGatewayClassName());
        List<Listener> listeners = gateway.getSpec().getListeners();
        assertEquals(List.of("http", "https-shop.example.com", "https-wildcard.api.example.com"),
                listeners.stream().map(Listener::getName).toList());
        assertEquals(List.of(80, 443, 443), listeners.stream().map(Listener::getPort).toList());
        assertEquals("shop-tls", listeners.get(1).getTls().getCertificateRefs().get(0).getName());
        assertEquals("*.api.example.com", listeners.get(2).getHostname());
        assertEquals("All", listeners.get(0).getAllowedRoutes().getNamespaces().getFrom());
        assertTrue(run.out().contains("warning: Secret edge/api-tls does not exist yet"), run.toString());
        assertTrue(!run.out().contains("edge/shop-tls"), run.toString());

        CliRun again = CliRun.run(KubernetesCluster.of(client), "ingress", "apply", "-n", "edge", "--name", "public");
        assertEquals(0, again.exit(), "apply is idempotent: " + again);
        CliRun malformed = CliRun.run(KubernetesCluster.of(client), "ingress", "apply", "-n", "edge", "--https",
                "shop.example.com");
        assertEquals(1, malformed.exit());
        assertTrue(malformed.err().contains("expected HOSTNAME=SECRET"), malformed.toString());
    }

    @Test
    void listShowsAddressesAndTheRoutesOnEachListenerOfIngressGatewaysOnly() {
        client.resource(new GatewayBuilder().withNewMetadata().withName("public").withNamespace("edge").endMetadata()
                .withNewSpec().withGatewayClassName("ambit-ingress").endSpec()
                .withNewStatus().withConditions(new ConditionBuilder().withType("Programmed").withStatus("True")
                        .withReason("Programmed").build())
                .withAddresses(new GatewayStatusAddressBuilder().withType("IPAddress").withValue("203.0.113.7")
                        .build())
                .withListeners(new ListenerStatusBuilder().withName("http").withAttachedRoutes(2)
                                .withConditions(new ConditionBuilder().withType("Programmed").withStatus("True")
                                        .build()).build(),
                        new ListenerStatusBuilder().withName("admin").withAttachedRoutes(0)
                                .withConditions(new ConditionBuilder().withType("ResolvedRefs").withStatus("False")
                                        .withReason("RefNotPermitted").build(), new ConditionBuilder()
                                        .withType("Programmed").withStatus("False").withReason("Invalid").build())
                                .build())
                .endStatus().build()).create();
        client.resource(new GatewayBuilder().withNewMetadata().withName("waypoint").withNamespace("edge").endMetadata()
                .withNewSpec().withGatewayClassName("ambit-waypoint").endSpec().build()).create();

        CliRun run = CliRun.run(KubernetesCluster.of(client), "ingress", "list", "-n", "edge");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().matches("(?s).*edge\\s+public\\s+True\\s+203\\.0\\.113\\.7\\s+http\\(2\\)"
                + " admin\\(RefNotPermitted\\).*"), run.toString());
        assertTrue(!run.out().contains("waypoint"), run.toString());
    }

    @Test
    void deleteRemovesAnIngressGatewayButNoOtherGateway() {
        CliRun.run(KubernetesCluster.of(client), "ingress", "apply", "-n", "edge", "--name", "gone");
        client.resource(new GatewayBuilder().withNewMetadata().withName("waypoint").withNamespace("edge").endMetadata()
                .withNewSpec().withGatewayClassName("ambit-waypoint").endSpec().build())
                .createOr(existing -> existing.update());

        assertEquals(0, CliRun.run(KubernetesCluster.of(client), "ingress", "delete", "gone", "-n", "edge").exit());
        assertNull(gateway("gone"));
        CliRun refused = CliRun.run(KubernetesCluster.of(client), "ingress", "delete", "waypoint", "-n", "edge");
        assertEquals(1, refused.exit());
        assertTrue(refused.err().contains("is not an Ambit ingress gateway (class ambit-waypoint)"), refused.err());
    }

    @Test
    void missingGatewayApiCrdsAreNamed() {
        server.expect().get().withPath("/apis/gateway.networking.k8s.io/v1/gateways").andReturn(404, "").once();
        CliRun run = CliRun.run(KubernetesCluster.of(client), "ingress", "list");
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("the Gateway API CRDs are not installed (gateways.gateway.networking.k8s.io"),
                run.toString());
        assertTrue(run.err().contains("ingress gateways are Gateway API Gateways"), run.toString());
    }

    private Gateway gateway(String name) {
        return client.resources(Gateway.class).inNamespace("edge").withName(name).get();
    }
}
