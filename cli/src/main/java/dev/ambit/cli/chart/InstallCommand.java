package dev.ambit.cli.chart;

import com.marcnuri.helm.Release;
import dev.ambit.cli.KubernetesCluster;
import dev.ambit.cli.UserException;
import dev.ambit.cli.chart.AmbitChart.ReleaseSettings;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ambit install}: {@code helm upgrade --install} of the bundled chart, or its manifests with --dry-run. */
@Command(name = "install", description = "Install or upgrade Ambit (the bundled Helm chart) in the mesh namespace.")
public final class InstallCommand implements Callable<Integer> {

    private final KubernetesCluster cluster;

    @Spec
    private CommandSpec spec;

    @Option(names = "--release", defaultValue = "ambit", description = "Helm release name (default: ${DEFAULT-VALUE}).")
    private String release;

    @Option(names = {"-f", "--values"}, paramLabel = "FILE", description = "Values file; repeatable, later wins.")
    private List<Path> valuesFiles = new ArrayList<>();

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "One value, e.g. controller.replicas=3; repeatable.")
    private Map<String, String> sets = new LinkedHashMap<>();

    @Option(names = "--dry-run", description = "Print the manifests (CRDs first) instead of installing.")
    private boolean dryRun;

    @Option(names = "--wait", description = "Wait until the controller and every node agent are ready.")
    private boolean wait;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
    private int timeoutSeconds;

    @Option(names = "--chart", paramLabel = "DIR", description = "Chart directory to use instead of the bundled one.")
    private Path chartDirectory;

    public InstallCommand(KubernetesCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public Integer call() {
        ReleaseSettings settings = new ReleaseSettings(release, cluster.meshNamespace(), valuesFiles, sets);
        PrintWriter out = spec.commandLine().getOut();
        if (chartDirectory != null) {
            run(new AmbitChart(chartDirectory), settings, out);
        } else {
            try (BundledChart bundled = BundledChart.extract()) {
                run(new AmbitChart(bundled.directory()), settings, out);
            }
        }
        out.flush();
        return 0;
    }

    private void run(AmbitChart chart, ReleaseSettings settings, PrintWriter out) {
        try {
            if (dryRun) {
                // Rendered before anything is printed: invalid values print nothing but the error.
                String manifests = chart.template(settings);
                out.print(chart.crds());
                out.println("---");
                out.println("# Not shown: the CA Secret 'ambit-ca' (a pre-install hook). Applying these manifests by hand"
                        + " needs it first, or ca.existingSecret; see README.md.");
                out.print(manifests);
            } else {
                Release installed = chart.upgradeInstall(settings, cluster.kubeconfigForHelm(), wait, timeoutSeconds);
                out.println("ambit: release " + installed.getName() + " revision " + installed.getRevision() + " "
                        + installed.getStatus() + " in namespace " + installed.getNamespace());
                out.println(notes(installed.getOutput()));
            }
        } catch (IllegalStateException e) {
            throw new UserException(HelmErrors.describe(e.getMessage()));
        }
    }

    /** The chart's NOTES (the next steps) from Helm's release summary. */
    private static String notes(String output) {
        int start = output.indexOf("NOTES:");
        return start < 0 ? "" : output.substring(start + "NOTES:".length()).strip();
    }
}
