package dev.ambit.cli.chart;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.UninstallCommand.Cascade;
import dev.ambit.api.mesh.MeshLabels;
import dev.ambit.cli.KubernetesCluster;
import dev.ambit.cli.UserException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ambit uninstall}: removes the release, once no namespace is in the mesh any more. The agents' eBPF steering
 * outlives them (pins), so pods still enrolled would be sent to a tunnel that is gone.
 */
@Command(name = "uninstall", description = {"Uninstall Ambit (the Helm release).",
        "Refuses while namespaces are still in the mesh: run 'ambit ambient disable' on each first."})
public final class UninstallCommand implements Callable<Integer> {

    private final KubernetesCluster cluster;

    @Spec
    private CommandSpec spec;

    @Option(names = "--release", defaultValue = "ambit", description = "Helm release name (default: ${DEFAULT-VALUE}).")
    private String release;

    public UninstallCommand(KubernetesCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public Integer call() {
        List<String> ambient = cluster.client().namespaces().withLabel(MeshLabels.DATAPLANE_MODE, MeshLabels.AMBIENT)
                .list().getItems().stream().map(namespace -> namespace.getMetadata().getName()).toList();
        if (!ambient.isEmpty()) {
            throw new UserException("namespaces still in the mesh: " + String.join(", ", ambient) + "; run 'ambit"
                    + " ambient disable NAMESPACE' for each first, or their pods lose their connections");
        }
        com.marcnuri.helm.UninstallCommand uninstall = Helm.uninstall(release).withNamespace(cluster.meshNamespace())
                .withCascade(Cascade.FOREGROUND);
        cluster.kubeconfigForHelm().ifPresent(uninstall::withKubeConfigContents);
        String result;
        try {
            result = uninstall.call();
        } catch (IllegalStateException e) {
            throw new UserException(HelmErrors.describe(e.getMessage()));
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(result.strip());
        out.println("Left in place: the CRDs (Helm never deletes them; their objects go with them) and the CA Secret"
                + " ambit-ca in " + cluster.meshNamespace() + ", which a reinstall reuses. README.md, \"Install on"
                + " Kubernetes\", says how to remove both and the nodes' eBPF pins.");
        out.flush();
        return 0;
    }
}
