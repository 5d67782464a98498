package dev.ambit.cli.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.cli.CliRun;
import dev.ambit.cli.KubernetesCluster;
import dev.ambit.cli.UnreachableCluster;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallCommandTest {

    @Test
    void dryRunPrintsCrdsThenTheManifestsForTheMeshNamespace() {
        CliRun run = CliRun.run(KubernetesCluster.fromKubeconfig(), "-m", "mesh", "install", "--dry-run", "--set",
                "controller.replicas=3");
        assertEquals(0, run.exit(), run.toString());
        assertTrue(run.out().startsWith("# The schema mirrors"), "CRDs come first, to be applied before their use");
        assertEquals(4, run.out().split("kind: CustomResourceDefinition").length - 1, run.out());
        assertTrue(run.out().contains("kind: DaemonSet"), run.out());
        assertTrue(run.out().contains("namespace: mesh"), run.out());
        assertTrue(run.out().contains("replicas: 3"), run.out());
        assertTrue(run.out().contains("# Not shown: the CA Secret 'ambit-ca'"), run.out());
    }

    @Test
    void invalidValuesInstallNothingAndSayWhichValue() {
        CliRun run = CliRun.run(KubernetesCluster.fromKubeconfig(), "install", "--dry-run", "--set", "nodeAgent.privileged=maybe");
        assertEquals(1, run.exit());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith("ambit install: invalid chart values, nothing was installed:"), run.err());
        assertTrue(run.err().contains("/nodeAgent/privileged"), run.err());
    }

    @Test
    void anUnknownContextIsNamed(@TempDir Path home) throws IOException {
        Path kubeconfig = UnreachableCluster.kubeconfig(home);
        CliRun run = CliRun.run(KubernetesCluster.fromKubeconfig(), "--kubeconfig", kubeconfig.toString(), "--context", "prod",
                "install");
        assertEquals("ambit install: kubeconfig " + kubeconfig + " has no context prod\n", run.err());
    }

    @Test
    void anUnreachableClusterIsSaidPlainly(@TempDir Path home) throws IOException {
        Path kubeconfig = UnreachableCluster.kubeconfig(home);
        CliRun run = CliRun.run(KubernetesCluster.fromKubeconfig(), "--kubeconfig", kubeconfig.toString(), "--context", "gone",
                "install");
        assertEquals(1, run.exit());
        assertTrue(run.err().startsWith("ambit install: cannot reach the Kubernetes API server"), run.err());
        assertTrue(run.err().endsWith("is the cluster running, and does your kubeconfig point at it?\n"), run.err());
    }
}
