package dev.ambit.control.ca;

import static dev.ambit.control.TestObjects.namespace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ambit.control.Eventually;
import dev.ambit.api.mesh.MeshLabels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class RootCertPublisherTest {

    /** A bound for failing only: on a loaded 2-core CI host the mock API server and informers are slow. */
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final String ROOTS = "-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n";

    KubernetesClient client;
    private RootCertPublisher publisher;

    @BeforeEach
    void start() {
        client.resource(namespace("ambit-system", Map.of())).create();
        client.resource(namespace("demo", Map.of("ambit.dev/dataplane-mode", "ambient"))).create();
        client.resource(namespace("other", Map.of())).create();
        publisher = new RootCertPublisher(client, "ambit-system", ROOTS);
        publisher.start();
    }

    @AfterEach
    void stop() {
        publisher.close();
        // Before the extension stops the mock server: fabric8 7.8.0's server waits up to 10 s on every WebSocket
        // (watch) still open when it closes, and then fails the test. Closing the client closes them first.
        client.close();
    }

    @Test
    void theRootsArePublishedInTheControllersNamespaceAndEveryAmbientOne() throws Exception {
        awaitRoots("ambit-system", ROOTS);
        awaitRoots("demo", ROOTS);
        assertNull(copy("other"), "a namespace outside the mesh gets none");

        client.resource(new NamespaceBuilder(client.namespaces().withName("other").get()).editMetadata()
                .addToLabels("ambit.dev/dataplane-mode", "ambient").endMetadata().build()).update();
        awaitRoots("other", ROOTS);
    }

    @Test
    void aNamespaceOutsideTheMeshGetsTheRootsWhenItHoldsAnAmbitWaypoint() throws Exception {
        // Informers hand events over one at a time, in order, and each publish is done before the next event.
        // Namespace "third" is handled (and found unwanted) before the ambient "fourth" gets its copy; after that
        // only a waypoint Gateway can bring "third" a copy.
        client.resource(namespace("third", Map.of())).create();
        client.resource(namespace("fourth", Map.of("ambit.dev/dataplane-mode", "ambient"))).create();
        awaitRoots("fourth", ROOTS);
        client.resource(gateway("other", "some-ingress", "nginx")).create();
        client.resource(gateway("third", "waypoint", MeshLabels.WAYPOINT_CLASS)).create();
        awaitRoots("third", ROOTS);
        // The Gateway made later has been handled, so the ingress one was too.
        assertNull(copy("other"), "another class's Gateway needs no mesh roots");

        client.resource(gateway("other", "waypoint", MeshLabels.WAYPOINT_CLASS)).create();
        awaitRoots("other", ROOTS);
        client.resource(copy("other")).delete();
        awaitRoots("other", ROOTS);
    }

    private static Gateway gateway(String namespace, String name, String gatewayClass) {
        return new GatewayBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSpec().withGatewayClassName(gatewayClass).addNewListener().withName("mesh").withPort(15008)
                .withProtocol("HBONE").endListener().endSpec().build();
    }

    @Test
    void anEditedOrDeletedCopyIsPutBack() throws Exception {
        awaitRoots("demo", ROOTS);
        // Unconditional, as a kubectl edit that does not race the publisher's own writes.
        ConfigMap tampered = client.configMaps().inNamespace("demo").withName(RootCertPublisher.CONFIG_MAP)
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"root-cert.pem\":\"tampered\"}}");
        assertEquals("tampered", tampered.getData().get(RootCertPublisher.KEY));
        awaitRoots("demo", ROOTS);

        client.resource(copy("demo")).delete();
        awaitRoots("demo", ROOTS);
    }

    @Test
    void aNewLeaderWithOtherRootsUpdatesEveryCopy() throws Exception {
        awaitRoots("demo", ROOTS);
        publisher.close();
        String rotated = ROOTS + ROOTS.replace("MIIB", "MIIC");
        publisher = new RootCertPublisher(client, "ambit-system", rotated);
        publisher.start();
        awaitRoots("demo", rotated);
        awaitRoots("ambit-system", rotated);
    }

    private ConfigMap copy(String namespace) {
        return client.configMaps().inNamespace(namespace).withName(RootCertPublisher.CONFIG_MAP).get();
    }

    private void awaitRoots(String namespace, String roots) throws InterruptedException {
        ConfigMap copy = Eventually.present(WITHIN, namespace + "/" + RootCertPublisher.CONFIG_MAP + " with the roots",
                () -> {
                    ConfigMap current = copy(namespace);
                    return current != null && roots.equals(current.getData().get(RootCertPublisher.KEY))
                            ? current : null;
                });
        assertEquals("ambit", copy.getMetadata().getLabels().get("app.kubernetes.io/managed-by"));
    }
}
