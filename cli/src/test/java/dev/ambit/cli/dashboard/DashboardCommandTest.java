package dev.ambit.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.cli.CliRun;
import dev.ambit.cli.KubernetesCluster;
import dev.ambit.cli.MeshNames;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code ambit dashboard}: which controller pod it picks, and its errors (DashboardForwardTest: the forward). */
@EnableKubernetesMockClient(crud = true)
@Timeout(60)
class DashboardCommandTest {

    private static final String NAMESPACE = KubernetesCluster.DEFAULT_MESH_NAMESPACE;

    KubernetesClient client;
    KubernetesMockServer server;

    @Test
    void theFirstReadyControllerPodIsChosen() {
        controller("ambit-controller-a", false, "ContainerCreating");
        controller("ambit-controller-b", true, null);
        controller("ambit-controller-c", true, null);

        assertEquals("ambit-controller-b", ControllerPods.readyOne(client, NAMESPACE).getMetadata().getName());
    }

    @Test
    void noControllerPodIsAPlainError() {
        CliRun run = CliRun.run(KubernetesCluster.of(client), "dashboard", "--port", "0");

        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.err().startsWith("ambit dashboard: no controller pod (label app.kubernetes.io/name="
                + "ambit-controller) in namespace ambit-system: is Ambit installed there"), run.err());
    }

    @Test
    void aControllerThatIsNotReadyIsNamedWithWhy() {
        controller("ambit-controller-x", false, "ImagePullBackOff");

        CliRun run = CliRun.run(KubernetesCluster.of(client), "dashboard", "--port", "0");

        assertEquals(1, run.exit(), run.toString());
        assertTrue(run.err().startsWith("ambit dashboard: no controller pod in namespace ambit-system is ready:"
                + " ambit-controller-x (Pending, controller: ImagePullBackOff)"), run.err());
    }

    @Test
    void namespaceFlagChoosesWhereTheControllerIsLooked() {
        CliRun run = CliRun.run(KubernetesCluster.of(client), "dashboard", "-n", "mesh", "--port", "0");
        assertTrue(run.err().contains("in namespace mesh:"), run.err());

        run = CliRun.run(KubernetesCluster.of(client), "-m", "other", "dashboard", "--port", "0");
        assertTrue(run.err().contains("in namespace other:"), run.err());
    }

    @Test
    void aPortOutOfRangeIsRefused() {
        CliRun run = CliRun.run(KubernetesCluster.of(client), "dashboard", "--port", "70000");
        assertEquals(1, run.exit());
        assertEquals("ambit dashboard: --port must be between 0 and 65535, not 70000", run.err().strip());
    }

    @Test
    void theDefaultPortGivesWayToAFreeOneWhenTaken() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(loopback, 0));
            assertEquals(0, DashboardCommand.freeOr(loopback, taken.getLocalPort()), "0: the system picks one");
        }
        int free;
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(loopback, 0));
            free = probe.getLocalPort();
        }
        assertEquals(free, DashboardCommand.freeOr(loopback, free));
        assertNotEquals(0, free);
    }

    private void controller(String name, boolean ready, String waitingReason) {
        Pod pod = client.pods().inNamespace(NAMESPACE).resource(new PodBuilder()
                .withNewMetadata().withName(name).addToLabels(MeshNames.NAME_LABEL, MeshNames.CONTROLLER)
                .endMetadata()
                .withNewSpec().addNewContainer().withName("controller").endContainer().endSpec().build()).create();
        PodStatusBuilder status = new PodStatusBuilder().withPhase(ready ? "Running" : "Pending")
                .addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition();
        if (waitingReason != null) {
            status.addNewContainerStatus().withName("controller").withNewState().withNewWaiting()
                    .withReason(waitingReason).endWaiting().endState().endContainerStatus();
        }
        pod.setStatus(status.build());
        client.resource(pod).updateStatus();
    }
}
