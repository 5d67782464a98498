package dev.ambit.cli.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ambit.cli.CliRun;
import dev.ambit.cli.KubernetesCluster;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class UninstallCommandTest {

    KubernetesClient client;

    @Test
    void refusesWhileNamespacesAreInTheMesh() {
        for (String name : new String[] {"shop", "web"}) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name)
                    .addToLabels("ambit.dev/dataplane-mode", "ambient").endMetadata().build()).create();
        }
        CliRun run = CliRun.run(KubernetesCluster.of(client), "uninstall");
        assertEquals(1, run.exit());
        assertEquals("ambit uninstall: namespaces still in the mesh: shop, web; run 'ambit ambient disable NAMESPACE'"
                + " for each first, or their pods lose their connections\n", run.err());
    }
}
