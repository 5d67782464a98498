package dev.ambit.waypoint;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.api.mesh.TracingSettings;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.waypoint.process.WaypointProcess;
import dev.ambit.waypoint.process.WaypointProcessSettings;
import dev.ambit.runtime.controlplane.ControlPlaneOptions;
import dev.ambit.runtime.transport.NettyProcessDefaults;
import java.net.InetAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code waypoint}: the process a waypoint Deployment (or the local mesh) runs. Runs until SIGTERM. */
@Command(name = "waypoint", mixinStandardHelpOptions = true,
        description = "Ambit waypoint: L7 routing, resilience and policy for the services bound to a Gateway.")
public final class WaypointMain implements Callable<Integer> {

    @Option(names = "--gateway", required = true, defaultValue = "${env:GATEWAY_NAMESPACE}/${env:GATEWAY_NAME}",
            description = "NAMESPACE/NAME of the Gateway this waypoint implements (default: "
                    + "$GATEWAY_NAMESPACE/$GATEWAY_NAME).")
    private String gateway;

    @Option(names = "--node-name", defaultValue = "${env:NODE_NAME:-unknown}",
            description = "The node this waypoint runs on, for the controller's logs (default: $NODE_NAME).")
    private String nodeName;

    @Option(names = "--listen-address", defaultValue = "0.0.0.0",
            description = "Address of the HBONE (" + MeshPorts.HBONE + "), metrics (" + MeshPorts.METRICS
                    + ") and readiness (" + MeshPorts.READINESS + ") listeners"
                    + " (default: ${DEFAULT-VALUE}).")
    private InetAddress listenAddress;

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
        WaypointProcess process = WaypointProcess.start(new WaypointProcessSettings(NamespacedName.parse(gateway),
                nodeName, listenAddress, controlPlane.settings(), TracingSettings.parse(tracingEndpoint, tracingSampling)));
        process.closeOnShutdown();
        new CountDownLatch(1).await();
        return 0;
    }
}
