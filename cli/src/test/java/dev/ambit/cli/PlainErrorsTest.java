package dev.ambit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures reach the user as one plain line naming the cause, never as a stack trace. */
@EnableKubernetesMockClient(crud = true)
class PlainErrorsTest {

    KubernetesClient client;
    KubernetesMockServer server;

    @Test
    void noClusterAtTheKubeconfigAddress(@TempDir Path home) throws IOException {
        CliRun run = CliRun.run(KubernetesCluster.fromKubeconfig(), "--kubeconfig",
                UnreachableCluster.kubeconfig(home).toString(), "ambient", "enable", "shop");
        assertEquals(1, run.exit());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("ambit ambient enable: cannot reach the Kubernetes API server at "
                + UnreachableCluster.SERVER + "/ (ConnectException"), run.err());
    }

    @Test
    void noClusterConfiguredAtAll(@TempDir Path home) {
        assumeTrue(System.getenv("KUBECONFIG") == null && System.getenv("KUBERNETES_SERVICE_HOST") == null,
                "this environment configures a cluster");
        String realHome = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
        try {
            CliRun run = CliRun.run(KubernetesCluster.fromKubeconfig(), "waypoint", "list");
            assertEquals("ambit waypoint list: no cluster configured: no ~/.kube/config, $KUBECONFIG is not set and this is not"
                    + " a pod; create a cluster or pass --kubeconfig FILE\n", run.err());
        } finally {
            System.setProperty("user.home", realHome);
        }
    }

    @Test
    void noPermission() {
        server.expect().get().withPath("/api/v1/namespaces/shop").andReturn(403, new StatusBuilder().withCode(403)
                .withReason("Forbidden").withMessage("namespaces \"shop\" is forbidden: User \"dev\" cannot get"
                        + " resource \"namespaces\" in API group \"\" at the cluster scope").build()).once();
        CliRun run = CliRun.run(KubernetesCluster.of(client), "ambient", "enable", "shop");
        assertEquals(1, run.exit());
        assertEquals("ambit ambient enable: no permission: namespaces \"shop\" is forbidden: User \"dev\" cannot get resource"
                + " \"namespaces\" in API group \"\" at the cluster scope\n", run.err());
    }

    @Test
    void noCommandIsAUsageErrorNotAFailure() {
        CliRun run = CliRun.run(KubernetesCluster.of(client));
        assertEquals(2, run.exit());
        assertTrue(run.err().startsWith("name a command, e.g. ambit check"), run.err());
    }
}
