package dev.ambit.cli.ingress;

import dev.ambit.api.mesh.MeshLabels;
import dev.ambit.cli.GatewayApi;
import dev.ambit.cli.KubernetesCluster;
import dev.ambit.cli.Namespaces;
import dev.ambit.cli.UserException;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewaySpecBuilder;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ambit ingress apply|list|delete}: ingress gateways are Gateway API Gateways of class ambit-ingress; the
 * controller deploys them, and HTTPRoutes whose parent is the Gateway route their traffic (docs/ingress.md).
 */
@Command(name = "ingress", description = "Manage ingress gateways (traffic from outside the mesh into it).")
public final class IngressCommand {

    private final KubernetesCluster cluster;

    @Spec
    private CommandSpec spec;

    public IngressCommand(KubernetesCluster cluster) {
        this.cluster = cluster;
    }

    @Command(name = "apply", description = "Create or update an ingress gateway; the controller deploys it.")
    int apply(@Option(names = {"-n", "--namespace"}, defaultValue = "default", description = "Namespace (default:"
                    + " ${DEFAULT-VALUE}).") String namespace,
            @Option(names = "--name", defaultValue = "ingress", description = "Gateway name (default:"
                    + " ${DEFAULT-VALUE}).") String name,
            @Option(names = "--http-port", defaultValue = "80", description = "Port of the HTTP listener, 0 for none"
                    + " (default: ${DEFAULT-VALUE}).") int httpPort,
            @Option(names = "--https", paramLabel = "HOSTNAME=SECRET", description = "An HTTPS listener for HOSTNAME"
                    + " (a name or *.domain) with the certificate of the kubernetes.io/tls Secret SECRET of the same"
                    + " namespace; repeat for more names, picked by SNI.") List<String> https,
            @Option(names = "--https-port", defaultValue = "443", description = "Port of the HTTPS listeners"
                    + " (default: ${DEFAULT-VALUE}).") int httpsPort,
            @Option(names = "--all-namespaces-routes", description = "Take HTTPRoutes from every namespace, not only"
                    + " the Gateway's own.") boolean allNamespaces) {
        Namespaces.existing(cluster, namespace);
        String from = allNamespaces ? "All" : "Same";
        GatewaySpecBuilder gatewaySpec = new GatewaySpecBuilder().withGatewayClassName(MeshLabels.INGRESS_CLASS);
        if (httpPort > 0) {
            gatewaySpec.addNewListener().withName("http").withProtocol("HTTP").withPort(httpPort)
                    .withNewAllowedRoutes().withNewNamespaces().withFrom(from).endNamespaces().endAllowedRoutes()
                    .endListener();
        }
        List<String> missing = new ArrayList<>();
        for (String listener : https == null ? List.<String>of() : https) {
            int equals = listener.indexOf('=');
            if (equals <= 0 || equals == listener.length() - 1) {
                throw new UserException("--https " + listener + ": expected HOSTNAME=SECRET, e.g."
                        + " shop.example.com=shop-tls");
            }
            String hostname = listener.substring(0, equals).toLowerCase(Locale.ROOT);
            String secret = listener.substring(equals + 1);
            gatewaySpec.addNewListener().withName("https-" + hostname.replace("*", "wildcard")).withProtocol("HTTPS")
                    .withPort(httpsPort).withHostname(hostname)
                    .withNewTls().withMode("Terminate").addNewCertificateRef().withName(secret).endCertificateRef()
                    .endTls()
                    .withNewAllowedRoutes().withNewNamespaces().withFrom(from).endNamespaces().endAllowedRoutes()
                    .endListener();
            if (cluster.client().secrets().inNamespace(namespace).withName(secret).get() == null) {
                missing.add(secret);
            }
        }
        if (httpPort <= 0 && (https == null || https.isEmpty())) {
            throw new UserException("an ingress gateway needs a listener: --http-port or --https");
        }
        Gateway gateway = new GatewayBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withSpec(gatewaySpec.build()).build();
        gatewayApi(() -> cluster.client().resource(gateway).createOr(NonDeletingOperation::patch));
        PrintWriter out = spec.commandLine().getOut();
        out.println("ingress gateway " + namespace + "/" + name + " applied; the controller deploys it (ambit ingress"
                + " list); attach HTTPRoutes with parentRefs: [{name: " + name + ", namespace: " + namespace + "}]");
        missing.forEach(secret -> out.println("warning: Secret " + namespace + "/" + secret + " does not exist yet;"
                + " the gateway's pods start once it does"));
        out.flush();
        return 0;
    }

    @Command(name = "list", description = "List ingress gateways, their addresses and the routes on each listener.")
    int list(@Option(names = {"-n", "--namespace"}, description = "Only this namespace.") String namespace,
            @Option(names = {"-A", "--all-namespaces"}, description = "All namespaces (the default without -n).")
            boolean all) {
        List<Gateway> gateways = GatewayApi.list(cluster, "ingress gateways", namespace, all);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-20s %-20s %-11s %-30s %s%n", "NAMESPACE", "NAME", "PROGRAMMED", "ADDRESS", "LISTENERS (ROUTES)");
        gateways.stream().filter(IngressCommand::isIngress).map(IngressView::of)
                .forEach(view -> out.printf("%-20s %-20s %-11s %-30s %s%n", view.namespace(), view.name(),
                        view.programmed(), view.address(), view.listeners()));
        out.flush();
        return 0;
    }

    @Command(name = "delete", description = "Delete an ingress gateway; the controller removes its deployment.")
    int delete(@Parameters(paramLabel = "NAME") String name,
            @Option(names = {"-n", "--namespace"}, defaultValue = "default", description = "Namespace (default:"
                    + " ${DEFAULT-VALUE}).") String namespace) {
        Gateway gateway = GatewayApi.ownGateway(cluster, "ingress gateways", "ingress gateway", MeshLabels.INGRESS_CLASS, namespace, name);
        cluster.client().resource(gateway).delete();
        PrintWriter out = spec.commandLine().getOut();
        out.println("ingress gateway " + namespace + "/" + name + " deleted; its load balancer goes with it");
        out.flush();
        return 0;
    }

    private static boolean isIngress(Gateway gateway) {
        return GatewayApi.isOfClass(gateway, MeshLabels.INGRESS_CLASS);
    }

    private static <T> T gatewayApi(Supplier<T> call) {
        return GatewayApi.call("ingress gateways", call);
    }
}
