package dev.ambit.e2e.kind;

import dev.ambit.e2e.DemoOutcomes;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The local demo's outcomes on a real cluster, with the chart, the images and the same sample apps. */
class DemoIT {

    private static KubernetesClient client;
    private static KindProbe probe;

    @BeforeAll
    static void connect() {
        client = KindCluster.connect();
        probe = new KindProbe(client);
    }

    @AfterAll
    static void close() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void mutualTlsIdentities() {
        DemoOutcomes.mutualTlsIdentities(probe);
    }

    @Test
    void headerRouting() {
        DemoOutcomes.headerRouting(probe);
    }

    @Test
    void faultInjection() {
        DemoOutcomes.faultInjection(probe);
    }

    @Test
    void policy() {
        DemoOutcomes.policy(probe);
    }

    @Test
    void perNodeMetrics() {
        DemoOutcomes.perNodeMetrics(probe);
    }
}
