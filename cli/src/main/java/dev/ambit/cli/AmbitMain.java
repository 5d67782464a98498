package dev.ambit.cli;

import dev.ambit.cli.agent.MetricsCommand;
import dev.ambit.cli.agent.StatusCommand;
import dev.ambit.cli.ambient.AmbientCommand;
import dev.ambit.cli.chart.InstallCommand;
import dev.ambit.cli.chart.UninstallCommand;
import dev.ambit.cli.check.CheckCommand;
import dev.ambit.cli.dashboard.DashboardCommand;
import dev.ambit.cli.ingress.IngressCommand;
import dev.ambit.cli.waypoint.WaypointCommand;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ambit}: install Ambit on a Kubernetes cluster and operate it. See README.md, "Install on Kubernetes". */
@Command(name = "ambit", mixinStandardHelpOptions = true, version = "ambit 0.1.0", usageHelpAutoWidth = true,
        description = "Install and operate the Ambit mesh on a Kubernetes cluster.",
        subcommands = {InstallCommand.class, CheckCommand.class, AmbientCommand.class, WaypointCommand.class,
                IngressCommand.class, StatusCommand.class, MetricsCommand.class, DashboardCommand.class,
                UninstallCommand.class})
public final class AmbitMain {

    private final KubernetesCluster cluster;

    public AmbitMain(KubernetesCluster cluster) {
        this.cluster = cluster;
    }

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "kubeconfig to use (default: $KUBECONFIG, else ~/.kube/config, else the pod's account).")
    void kubeconfig(Path file) {
        cluster.useKubeconfig(file);
    }

    @Option(names = "--context", paramLabel = "NAME", description = "kubeconfig context (default: the current one).")
    void context(String name) {
        cluster.useContext(name);
    }

    @Option(names = {"-m", "--mesh-namespace"}, paramLabel = "NAMESPACE",
            description = "Namespace Ambit is (to be) installed in (default: " + KubernetesCluster.DEFAULT_MESH_NAMESPACE + ").")
    void meshNamespace(String namespace) {
        cluster.useMeshNamespace(namespace);
    }

    public static void main(String[] args) {
        // The node agent's jar brings its own logback.xml; the CLI's is quieter.
        System.setProperty("logback.configurationFile", "ambit-cli-logback.xml");
        int exit;
        try (KubernetesCluster cluster = KubernetesCluster.fromKubeconfig()) {
            exit = commandLine(cluster).execute(args);
        }
        System.exit(exit);
    }

    /** The command line working on {@code cluster}; a subcommand is required. */
    public static CommandLine commandLine(KubernetesCluster cluster) {
        CommandLine commandLine = new CommandLine(AmbitMain.class, new CommandFactory(cluster));
        commandLine.setExecutionExceptionHandler(new PlainErrors(cluster));
        commandLine.setExecutionStrategy(parseResult -> {
            if (!parseResult.hasSubcommand() && !parseResult.isUsageHelpRequested()
                    && !parseResult.isVersionHelpRequested()) {
                throw new CommandLine.ParameterException(parseResult.commandSpec().commandLine(),
                        "name a command, e.g. ambit check");
            }
            return new CommandLine.RunLast().execute(parseResult);
        });
        return commandLine;
    }
}
