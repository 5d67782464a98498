package dev.ambit.cli.check;

import dev.ambit.cli.KubernetesCluster;
import dev.ambit.host.Bpffs;
import dev.ambit.host.preflight.CheckResult;
import dev.ambit.host.preflight.Preflight;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ambit check}: the cluster's readiness for the mesh, or with --node this machine's (the preflight). */
@Command(name = "check", description = {"Check the cluster: Kubernetes version, CRDs, controller and the node agent"
        + " of every node.", "With --node, check this machine instead: the node agent's preflight (run it on a node)."})
public final class CheckCommand implements Callable<Integer> {

    private final KubernetesCluster cluster;

    @Spec
    private CommandSpec spec;

    @Option(names = "--node", description = "Check this machine as a mesh node, not the cluster.")
    private boolean node;

    @Option(names = "--bpffs", paramLabel = "DIR", description = "With --node: the bpffs directory (default: ${DEFAULT-VALUE}).")
    private Path bpffs = Bpffs.DEFAULT_MOUNT_POINT;

    @Option(names = "--cgroup", paramLabel = "DIR", description = "With --node: the cgroup v2 directory to check"
            + " (default: the machine's cgroup v2 mount).")
    private Path cgroup;

    public CheckCommand(KubernetesCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public Integer call() {
        List<CheckResult> results = node ? new Preflight(bpffs, cgroup).run() : new ClusterChecks(cluster).run();
        PrintWriter out = spec.commandLine().getOut();
        results.forEach(result -> out.println(result.line()));
        long failed = results.stream().filter(result -> !result.passed()).count();
        out.println(failed == 0 ? (node ? "node is ready" : "cluster is ready") : failed + " problem(s) found");
        out.flush();
        return failed == 0 ? 0 : 1;
    }
}
