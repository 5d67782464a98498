package dev.ambit.waypoint;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.runtime.transport.WildcardAddress;
import dev.ambit.api.mesh.TracingSettings;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.waypoint.process.IngressListenerSpec;
import dev.ambit.waypoint.process.WaypointProcess;
import dev.ambit.waypoint.process.WaypointProcessSettings;
import dev.ambit.runtime.controlplane.ControlPlaneOptions;
import dev.ambit.runtime.transport.NettyProcessDefaults;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code waypoint}: the process a waypoint Deployment (or the local mesh) runs. Runs until SIGTERM. */
@Command(name = "waypoint", mixinStandardHelpOptions = true,
        description = "Ambit waypoint: L7 routing, resilience and policy for the services bound to a Gateway; with"
                + " --ingress, the ingress gateway of an ambit-ingress Gateway.")
public final class WaypointMain implements Callable<Integer> {

    @Option(names = "--gateway", required = true, defaultValue = "${env:GATEWAY_NAMESPACE}/${env:GATEWAY_NAME}",
            description = "NAMESPACE/NAME of the Gateway this waypoint implements (default: "
                    + "$GATEWAY_NAMESPACE/$GATEWAY_NAME).")
    private String gateway;

    @Option(names = "--node-name", defaultValue = "${env:NODE_NAME:-unknown}",
            description = "The node this waypoint runs on, for the controller's logs (default: $NODE_NAME).")
    private String nodeName;

    @Option(names = "--listen-address",
            description = "Address of the HBONE (" + MeshPorts.HBONE + "), metrics (" + MeshPorts.METRICS
                    + ") and readiness (" + MeshPorts.READINESS + ") listeners, and an ingress gateway's --listener"
                    + " ports (default: ::, every address of both families, on a host with IPv6; else 0.0.0.0).")
    private InetAddress listenAddress = WildcardAddress.anyFamily();

    @Mixin
    private ControlPlaneOptions controlPlane;

    @Option(names = TracingSettings.ENDPOINT_FLAG, defaultValue = "",
            description = "OTLP/HTTP collector to export request spans to, e.g. http://collector:4318 (/v1/traces is "
                    + "added to a URL without a path). Empty (the default): no spans, and no tracing code loaded.")
    private String tracingEndpoint;

    @Option(names = TracingSettings.SAMPLING_FLAG, defaultValue = "1.0",
            description = "Share of new traces recorded, 0 to 1; a request's own sampling decision is kept "
                    + "(default: ${DEFAULT-VALUE}).")
    private String tracingSampling;

    @Option(names = "--ingress",
            description = "Run as the ingress gateway of the Gateway (class ambit-ingress): serve its --listener ports"
                    + " to clients outside the mesh instead of HBONE, routed by the routes attached to the Gateway.")
    private boolean ingress;

    @Option(names = "--listener", paramLabel = "NAME,PROTOCOL,PORT,HOSTNAME|*[,CERT-DIR...]",
            description = "An ingress listener (with --ingress; repeat for each): HTTP, or HTTPS with the directories"
                    + " holding its certificates' tls.crt and tls.key. The controller writes these.")
    private List<String> listeners = List.of();

    public static void main(String[] args) {
        NettyProcessDefaults.apply();
        System.exit(new CommandLine(new WaypointMain())
                .setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
                    commandLine.getErr().println("waypoint: " + exception.getMessage());
                    return 1;
                })
                .execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        if (!ingress && !listeners.isEmpty()) {
            throw new IllegalArgumentException("--listener is for an ingress gateway: add --ingress");
        }
        Optional<List<IngressListenerSpec>> ingressListeners = ingress
                ? Optional.of(listeners.stream().map(IngressListenerSpec::parse).toList()) : Optional.empty();
        WaypointProcess process = WaypointProcess.start(new WaypointProcessSettings(NamespacedName.parse(gateway),
                nodeName, listenAddress, controlPlane.settings(), TracingSettings.parse(tracingEndpoint, tracingSampling),
                ingressListeners));
        process.closeOnShutdown();
        new CountDownLatch(1).await();
        return 0;
    }
}
