package dev.ambit.cli.ambient;

import dev.ambit.api.mesh.MeshLabels;
import dev.ambit.cli.KubernetesCluster;
import dev.ambit.cli.Namespaces;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ambit ambient enable|disable NAMESPACE}: the namespace label that puts its pods into the mesh. */
@Command(name = "ambient", description = "Put a namespace's pods into the mesh, or take them out.")
public final class AmbientCommand {

    private final KubernetesCluster cluster;

    @Spec
    private CommandSpec spec;

    public AmbientCommand(KubernetesCluster cluster) {
        this.cluster = cluster;
    }

    @Command(name = "enable", description = "Label the namespace " + MeshLabels.DATAPLANE_MODE + "=" + MeshLabels.AMBIENT
            + ": its pods' new connections go through the mesh (mTLS); nothing restarts.")
    int enable(@Parameters(paramLabel = "NAMESPACE") String namespace) {
        Namespaces.existing(cluster, namespace).edit(found -> new NamespaceBuilder(found).editMetadata()
                .addToLabels(MeshLabels.DATAPLANE_MODE, MeshLabels.AMBIENT).endMetadata().build());
        return report("namespace " + namespace + " is in the mesh: new connections of its pods use mTLS");
    }

    @Command(name = "disable", description = "Remove the label: the namespace's pods connect directly again.")
    int disable(@Parameters(paramLabel = "NAMESPACE") String namespace) {
        Namespaces.existing(cluster, namespace).edit(found -> new NamespaceBuilder(found).editMetadata()
                .removeFromLabels(MeshLabels.DATAPLANE_MODE).endMetadata().build());
        return report("namespace " + namespace + " left the mesh: new connections of its pods go direct");
    }

    private int report(String message) {
        PrintWriter out = spec.commandLine().getOut();
        out.println(message);
        out.flush();
        return 0;
    }
}
