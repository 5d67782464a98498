package dev.ambit.cli.agent;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.cli.KubernetesCluster;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ambit metrics NODE}: the Prometheus metrics of that node's agent and tunnel. */
@Command(name = "metrics", description = "Print the Prometheus metrics (:" + MeshPorts.METRICS
        + ") of a node's agent and tunnel.")
public final class MetricsCommand implements Callable<Integer> {

    private final KubernetesCluster cluster;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "NODE", description = "Node name.")
    private String node;

    @Option(names = "--prefix", paramLabel = "NAME", description = "Only metrics whose name starts with NAME, e.g."
            + " ambit_tcp_.")
    private String prefix = "";

    public MetricsCommand(KubernetesCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public Integer call() {
        String text = AgentMetrics.fetch(cluster, AgentPods.onNode(cluster, node));
        PrintWriter out = spec.commandLine().getOut();
        text.lines().filter(line -> prefix.isEmpty() || line.startsWith(prefix)
                        || line.startsWith("# HELP " + prefix) || line.startsWith("# TYPE " + prefix))
                .forEach(out::println);
        out.flush();
        return 0;
    }
}
