package dev.ambit.cli.waypoint;

import dev.ambit.api.mesh.MeshLabels;
import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.cli.GatewayApi;
import dev.ambit.cli.KubernetesCluster;
import dev.ambit.cli.Namespaces;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.PrintWriter;
import java.util.List;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ambit waypoint apply|list|delete}: waypoints are Gateway API Gateways of class ambit-waypoint. */
@Command(name = "waypoint", description = "Manage waypoints (L7 proxies for a namespace's services).")
public final class WaypointCommand {


    private final KubernetesCluster cluster;

    @Spec
    private CommandSpec spec;

    public WaypointCommand(KubernetesCluster cluster) {
        this.cluster = cluster;
    }

    @Command(name = "apply", description = "Create or update a waypoint; the controller deploys it.")
    int apply(@Option(names = {"-n", "--namespace"}, defaultValue = "default", description = "Namespace (default:"
                    + " ${DEFAULT-VALUE}).") String namespace,
            @Option(names = "--name", defaultValue = "waypoint", description = "Waypoint name (default:"
                    + " ${DEFAULT-VALUE}).") String name,
            @Option(names = "--enroll-namespace", description = "Also send the namespace's services through it (label "
                    + MeshLabels.USE_WAYPOINT + ").") boolean enrollNamespace) {
        Namespaces.existing(cluster, namespace);
        Gateway gateway = new GatewayBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewSpec().withGatewayClassName(MeshLabels.WAYPOINT_CLASS)
                .addNewListener().withName("mesh").withPort(MeshPorts.HBONE).withProtocol("HBONE").endListener()
                .endSpec().build();
        gatewayApi(() -> cluster.client().resource(gateway).createOr(NonDeletingOperation::patch));
        PrintWriter out = spec.commandLine().getOut();
        out.println("waypoint " + namespace + "/" + name + " applied; the controller deploys it (ambit waypoint list)");
        if (enrollNamespace) {
            Namespaces.existing(cluster, namespace).edit(found -> new NamespaceBuilder(found).editMetadata()
                    .addToLabels(MeshLabels.USE_WAYPOINT, name).endMetadata().build());
            out.println("namespace " + namespace + " uses waypoint " + name);
        }
        out.flush();
        return 0;
    }

    @Command(name = "list", description = "List waypoints and whether they are programmed.")
    int list(@Option(names = {"-n", "--namespace"}, description = "Only this namespace.") String namespace,
            @Option(names = {"-A", "--all-namespaces"}, description = "All namespaces (the default without -n).")
            boolean all) {
        List<Gateway> gateways = GatewayApi.list(cluster, "waypoints", namespace, all);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-20s %-20s %-11s %s%n", "NAMESPACE", "NAME", "PROGRAMMED", "ADDRESS");
        gateways.stream().filter(WaypointCommand::isWaypoint).map(WaypointView::of)
                .forEach(view -> out.printf("%-20s %-20s %-11s %s%n", view.namespace(), view.name(), view.programmed(),
                        view.address()));
        out.flush();
        return 0;
    }

    @Command(name = "delete", description = "Delete a waypoint; the controller removes its deployment.")
    int delete(@Parameters(paramLabel = "NAME") String name,
            @Option(names = {"-n", "--namespace"}, defaultValue = "default", description = "Namespace (default:"
                    + " ${DEFAULT-VALUE}).") String namespace) {
        Gateway gateway = GatewayApi.ownGateway(cluster, "waypoints", "waypoint", MeshLabels.WAYPOINT_CLASS, namespace, name);
        cluster.client().resource(gateway).delete();
        PrintWriter out = spec.commandLine().getOut();
        out.println("waypoint " + namespace + "/" + name + " deleted; traffic labelled " + MeshLabels.USE_WAYPOINT + "="
                + name + " stays on L4 until it gets another waypoint");
        out.flush();
        return 0;
    }

    private static boolean isWaypoint(Gateway gateway) {
        return GatewayApi.isOfClass(gateway, MeshLabels.WAYPOINT_CLASS);
    }

    private static <T> T gatewayApi(Supplier<T> call) {
        return GatewayApi.call("waypoints", call);
    }
}
