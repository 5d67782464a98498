package dev.ambit.cli.ambient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.cli.CliRun;
import dev.ambit.cli.KubernetesCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class AmbientCommandTest {

    KubernetesClient client;

    @Test
    void enableLabelsTheNamespaceAndDisableRemovesOnlyThatLabel() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop")
                .addToLabels("team", "payments").endMetadata().build()).create();

        CliRun enabled = CliRun.run(KubernetesCluster.of(client), "ambient", "enable", "shop");
        assertEquals(0, enabled.exit(), enabled.toString());
        assertTrue(enabled.out().contains("namespace shop is in the mesh"), enabled.toString());
        assertEquals("ambient", labels().get("ambit.dev/dataplane-mode"));

        CliRun disabled = CliRun.run(KubernetesCluster.of(client), "ambient", "disable", "shop");
        assertEquals(0, disabled.exit(), disabled.toString());
        assertNull(labels().get("ambit.dev/dataplane-mode"));
        assertEquals("payments", labels().get("team"));
    }

    @Test
    void aMissingNamespaceIsSaidPlainly() {
        CliRun run = CliRun.run(KubernetesCluster.of(client), "ambient", "enable", "nowhere");
        assertEquals(1, run.exit());
        assertEquals("ambit ambient enable: namespace nowhere does not exist\n", run.err());
    }

    private java.util.Map<String, String> labels() {
        return client.namespaces().withName("shop").get().getMetadata().getLabels();
    }
}
