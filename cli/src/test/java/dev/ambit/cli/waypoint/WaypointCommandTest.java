package dev.ambit.cli.waypoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.cli.CliRun;
import dev.ambit.cli.KubernetesCluster;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class WaypointCommandTest {

    KubernetesClient client;
    KubernetesMockServer server;

    @BeforeEach
    void namespace() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build())
                .createOr(existing -> existing.update());
    }

    @Test
    void applyCreatesAnAmbitWaypointGatewayAndCanEnrolTheNamespace() {
        CliRun run = CliRun.run(KubernetesCluster.of(client), "waypoint", "apply", "-n", "shop", "--name", "edge",
                "--enroll-namespace");
        assertEquals(0, run.exit(), run.toString());
        Gateway gateway = gateway("edge");
        assertEquals("ambit-waypoint", gateway.getSpec().getGatewayClassName());
        assertEquals(15008, gateway.getSpec().getListeners().get(0).getPort());
        assertEquals("HBONE", gateway.getSpec().getListeners().get(0).getProtocol());
        assertEquals("edge", client.namespaces().withName("shop").get().getMetadata().getLabels()
                .get("ambit.dev/use-waypoint"));

        CliRun again = CliRun.run(KubernetesCluster.of(client), "waypoint", "apply", "-n", "shop", "--name", "edge");
        assertEquals(0, again.exit(), "apply is idempotent: " + again);
    }

    @Test
    void listShowsWhatTheControllerReportedAndOnlyAmbitWaypoints() {
        client.resource(new GatewayBuilder().withNewMetadata().withName("waypoint").withNamespace("shop").endMetadata()
                .withNewSpec().withGatewayClassName("ambit-waypoint").endSpec()
                .withNewStatus().withConditions(new ConditionBuilder().withType("Programmed").withStatus("True")
                        .withReason("Programmed").build())
                .withAddresses(new GatewayStatusAddressBuilder().withType("Hostname")
                        .withValue("waypoint.shop.svc.cluster.local").build()).endStatus().build()).create();
        client.resource(new GatewayBuilder().withNewMetadata().withName("public").withNamespace("shop").endMetadata()
                .withNewSpec().withGatewayClassName("other").endSpec().build()).create();

        CliRun run = CliRun.run(KubernetesCluster.of(client), "waypoint", "list", "-n", "shop");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().matches("(?s).*shop\\s+waypoint\\s+True\\s+waypoint\\.shop\\.svc\\.cluster\\.local.*"),
                run.toString());
        assertTrue(!run.out().contains("public"), run.toString());
    }

    @Test
    void deleteRemovesAWaypointButNoOtherGateway() {
        CliRun.run(KubernetesCluster.of(client), "waypoint", "apply", "-n", "shop", "--name", "gone");
        client.resource(new GatewayBuilder().withNewMetadata().withName("ingress").withNamespace("shop").endMetadata()
                .withNewSpec().withGatewayClassName("other").endSpec().build()).createOr(existing -> existing.update());

        assertEquals(0, CliRun.run(KubernetesCluster.of(client), "waypoint", "delete", "gone", "-n", "shop").exit());
        assertNull(gateway("gone"));

        CliRun refused = CliRun.run(KubernetesCluster.of(client), "waypoint", "delete", "ingress", "-n", "shop");
        assertEquals(1, refused.exit());
        assertTrue(refused.err().contains("is not an Ambit waypoint (class other); not deleting it"), refused.err());
        CliRun missing = CliRun.run(KubernetesCluster.of(client), "waypoint", "delete", "nope", "-n", "shop");
        assertTrue(missing.err().contains("no waypoint nope in namespace shop"), missing.err());
    }

    @Test
    void missingGatewayApiCrdsAreNamed() {
        server.expect().get().withPath("/apis/gateway.networking.k8s.io/v1/gateways").andReturn(404, "").once();
        CliRun run = CliRun.run(KubernetesCluster.of(client), "waypoint", "list");
        assertEquals(1, run.exit());
        assertTrue(run.err().contains("the Gateway API CRDs are not installed (gateways.gateway.networking.k8s.io"),
                run.toString());
    }

    private Gateway gateway(String name) {
        return client.resources(Gateway.class).inNamespace("shop").withName(name).get();
    }
}
