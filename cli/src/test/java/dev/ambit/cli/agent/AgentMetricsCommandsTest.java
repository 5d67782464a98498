package dev.ambit.cli.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.cli.CliRun;
import dev.ambit.cli.KubernetesCluster;
import dev.ambit.cli.MeshFixtures;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

/** {@code ambit status} and {@code ambit metrics}, reading agents' metrics through the API server's pod proxy. */
@EnableKubernetesMockClient(crud = true)
class AgentMetricsCommandsTest {

    private static final String METRICS = """
            # HELP ambit_bpf_enrolled_pods Pods whose connections are steered
            # TYPE ambit_bpf_enrolled_pods gauge
            ambit_bpf_enrolled_pods 3.0
            # TYPE ambit_cert_expiry_seconds gauge
            ambit_cert_expiry_seconds{identity="spiffe://cluster.local/ns/demo/sa/hello"} 86000.0
            ambit_cert_expiry_seconds{identity="spiffe://cluster.local/ns/demo/sa/client"} 43260.0
            # TYPE ambit_config_version_info gauge
            ambit_config_version_info{type="Workload",version="9f3c2a11d0e4"} 1
            ambit_config_version_info{type="Service",version="41aa07"} 1
            ambit_tcp_connections_opened_total{source_workload="client"} 12.0
            """;

    KubernetesClient client;
    KubernetesMockServer server;

    @Test
    void statusShowsEachNodesAgentAndKeepsGoingPastAnUnreachableOne() {
        MeshFixtures.agent(client, "node-a", true);
        MeshFixtures.agent(client, "node-b", false);
        server.expect().get().withPath(proxyPath("node-a")).andReturn(200, METRICS).once();
        server.expect().get().withPath(proxyPath("node-b")).andReturn(503, "no endpoints").once();

        CliRun run = CliRun.run(KubernetesCluster.of(client), "status");

        assertEquals(0, run.exit(), run.toString());
        String nodeA = run.out().lines().filter(line -> line.startsWith("node-a")).findFirst().orElseThrow();
        assertTrue(nodeA.matches("node-a\\s+ambit-node-agent-node-a\\s+yes\\s+3\\s+in 12h1m \\(2\\)\\s+"
                + "Service@41aa07,Workload@9f3c2a11"), nodeA);
        String nodeB = run.out().lines().filter(line -> line.startsWith("node-b")).findFirst().orElseThrow();
        assertTrue(nodeB.contains("metrics unavailable: cannot read the metrics of ambit-node-agent-node-b on node"
                + " node-b: HTTP 503"), nodeB);
    }

    @Test
    void metricsPrintsOneNodesMetricsFilteredByPrefix() {
        MeshFixtures.agent(client, "node-c", true);
        server.expect().get().withPath(proxyPath("node-c")).andReturn(200, METRICS).once();

        CliRun run = CliRun.run(KubernetesCluster.of(client), "metrics", "node-c", "--prefix", "ambit_bpf_");

        assertEquals(0, run.exit(), run.toString());
        assertEquals("""
                # HELP ambit_bpf_enrolled_pods Pods whose connections are steered
                # TYPE ambit_bpf_enrolled_pods gauge
                ambit_bpf_enrolled_pods 3.0
                """, run.out());
    }

    @Test
    void anUnknownNodeIsNamedWithTheNodesThatHaveAnAgent() {
        MeshFixtures.agent(client, "node-d", true);
        CliRun run = CliRun.run(KubernetesCluster.of(client), "metrics", "node-z");
        assertEquals(1, run.exit());
        assertTrue(run.err().startsWith("ambit metrics: no node agent runs on node node-z; nodes with one:"), run.err());
        assertTrue(run.err().contains("node-d"), run.err());
    }

    private static String proxyPath(String node) {
        return "/api/v1/namespaces/ambit-system/pods/ambit-node-agent-" + node + ":15020/proxy/metrics";
    }
}
