package dev.ambit.cli.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.cli.CliRun;
import dev.ambit.cli.KubernetesCluster;
import dev.ambit.cli.MeshFixtures;
import dev.ambit.cli.MeshNames;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@EnableKubernetesMockClient(crud = true)
class CheckCommandTest {

    KubernetesClient client;
    KubernetesMockServer server;

    @Test
    void namesEachProblemOfAHalfInstalledCluster() {
        version("1", "25");
        MeshFixtures.crd(client, "authorizationpolicies.security.ambit.dev");
        MeshFixtures.node(client, "node-a");
        MeshFixtures.node(client, "node-b");
        MeshFixtures.node(client, "node-c");
        MeshFixtures.agent(client, "node-a", true);
        MeshFixtures.agent(client, "node-b", false);

        CliRun run = CliRun.run(KubernetesCluster.of(client), "check");

        assertEquals(1, run.exit(), run.toString());
        String out = run.out();
        assertTrue(out.contains("✗ Kubernetes >= 1.26: v1.25.0 — fix: upgrade the cluster"), out);
        assertTrue(out.contains("✗ Ambit CRDs: missing peerauthentications.security.ambit.dev,"
                + " requestauthentications.security.ambit.dev, trafficpolicies.traffic.ambit.dev — fix: install"
                + " Ambit: ambit install"), out);
        assertTrue(out.contains("✗ Gateway API CRDs (waypoints): missing gateways.gateway.networking.k8s.io"), out);
        assertTrue(out.contains("✗ controller: no Deployment ambit-controller in ambit-system"), out);
        assertTrue(out.contains("✓ node agent on node-a: ready (ambit-node-agent-node-a)"), out);
        assertTrue(out.contains("✗ node agent on node-b: not ready (ambit-node-agent-node-b) — fix: kubectl -n"
                + " ambit-system logs ambit-node-agent-node-b"), out);
        assertTrue(out.contains("✗ node agent on node-c: none scheduled"), out);
        assertTrue(out.endsWith("6 problem(s) found\n"), out);
    }

    @Test
    void aReadyClusterPasses() {
        version("1", "31+");
        Stream.concat(MeshNames.AMBIT_CRDS.stream(), MeshNames.GATEWAY_API_CRDS.stream())
                .forEach(name -> MeshFixtures.crd(client, name));
        MeshFixtures.node(client, "node-a");
        MeshFixtures.agent(client, "node-a", true);
        Deployment controller = client.apps().deployments().inNamespace("ambit-system").resource(new DeploymentBuilder()
                .withNewMetadata().withName("ambit-controller").endMetadata()
                .withNewSpec().withReplicas(2).endSpec().build()).create();
        controller.setStatus(new io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder().withReadyReplicas(2)
                .build());
        client.resource(controller).updateStatus();

        CliRun run = CliRun.run(KubernetesCluster.of(client), "check");

        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().contains("✓ controller: 2/2 replicas ready"), run.out());
        assertTrue(run.out().endsWith("cluster is ready\n"), run.out());
    }

    @Test
    void nodeModeRunsThePreflightOnThisMachineAndFailsOnWhatIsMissing(@TempDir Path dir) {
        // Whatever this machine offers, a bpffs directory that does not exist and a cgroup directory that is not
        // a cgroup fail: the outcome is known.
        Path bpffs = dir.resolve("no-bpffs");
        CliRun run = CliRun.run(KubernetesCluster.of(client), "check", "--node", "--bpffs", bpffs.toString(),
                "--cgroup", dir.toString());

        assertEquals(1, run.exit(), run.toString());
        String out = run.out();
        assertTrue(out.lines().anyMatch(line -> line.matches("[✓✗] kernel >= 5\\.10: .*")), out);
        assertTrue(out.contains("✗ bpffs: " + bpffs + " does not exist — fix: mkdir -p " + bpffs
                + " && mount -t bpf bpf " + bpffs + ", or pass the bpffs path"), out);
        assertTrue(out.lines().anyMatch(line -> line.startsWith("✗ cgroup v2: " + dir
                + " is not a cgroup v2 directory")), out);
        long failed = out.lines().filter(line -> line.startsWith("✗ ")).count();
        assertTrue(out.endsWith("\n" + failed + " problem(s) found\n"), out);
    }

    private void version(String major, String minor) {
        VersionInfo version = new VersionInfo.Builder().withMajor(major).withMinor(minor)
                .withGitVersion("v" + major + "." + minor.replace("+", "") + ".0").build();
        server.setVersionInfo(version);
    }
}
