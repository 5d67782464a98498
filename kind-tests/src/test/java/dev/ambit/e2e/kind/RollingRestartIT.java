package dev.ambit.e2e.kind;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.e2e.DemoOutcomes;
import dev.ambit.testbed.RequestSummary;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The node agents restart node by node (the chart's RollingUpdate) while the client's requests keep succeeding. */
class RollingRestartIT {

    @Test
    void nodeAgentRollingRestartFailsNoRequest() {
        try (KubernetesClient client = KindCluster.connect()) {
            Resource<DaemonSet> agents = client.apps().daemonSets().inNamespace("ambit-system")
                    .withName("ambit-node-agent");
            long generation = agents.get().getMetadata().getGeneration();
            RequestSummary total = DemoOutcomes.noFailedRequestsDuring(new KindProbe(client),
                    () -> restart(agents), () -> rolledOut(agents.get(), generation));
            assertTrue(total.responses() > 0, String.valueOf(total));
        }
    }

    /** What {@code kubectl rollout restart} does: a new pod template, rolled out by the DaemonSet's strategy. */
    private static void restart(Resource<DaemonSet> agents) {
        agents.edit(daemonSet -> new DaemonSetBuilder(daemonSet).editSpec().editTemplate().editOrNewMetadata()
                .addToAnnotations("kubectl.kubernetes.io/restartedAt", Instant.now().toString())
                .endMetadata().endTemplate().endSpec().build());
    }

    private static boolean rolledOut(DaemonSet daemonSet, long previousGeneration) {
        DaemonSetStatus status = daemonSet.getStatus();
        int desired = status.getDesiredNumberScheduled();
        return status.getObservedGeneration() > previousGeneration && status.getUpdatedNumberScheduled() == desired
                && status.getNumberReady() == desired;
    }
}
