package dev.ambit.waypoint;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.policy.WorkloadPolicy;
import dev.ambit.waypoint.process.WaypointProcess;
import dev.ambit.waypoint.process.WaypointProcessSettings;
import dev.ambit.ztunnel.controlplane.ControllerAddress;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
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
            description = "Address of the HBONE (15008), metrics (15020) and readiness (15021) listeners"
                    + " (default: ${DEFAULT-VALUE}).")
    private InetAddress listenAddress;

    @Option(names = "--controller", defaultValue = "ambit-controller.ambit-system.svc:15010",
            description = "The controller's config stream (default: ${DEFAULT-VALUE}).")
    private String controller;

    @Option(names = "--ca", defaultValue = "ambit-controller.ambit-system.svc:15012",
            description = "The controller's CA (default: ${DEFAULT-VALUE}).")
    private String ca;

    @Option(names = "--token-file", defaultValue = "/var/run/secrets/ambit/token",
            description = "Token presented to the CA (default: ${DEFAULT-VALUE}).")
    private Path tokenFile;

    @Option(names = "--root-cert", defaultValue = "/var/run/ambit/root-cert.pem",
            description = "The mesh trust bundle, PEM (default: ${DEFAULT-VALUE}).")
    private Path rootCert;

    @Option(names = "--trust-domain", defaultValue = SpiffeId.DEFAULT_TRUST_DOMAIN,
            description = "SPIFFE trust domain (default: ${DEFAULT-VALUE}).")
    private String trustDomain;

    @Option(names = "--root-namespace", defaultValue = WorkloadPolicy.DEFAULT_ROOT_NAMESPACE,
            description = "The mesh's root namespace (default: ${DEFAULT-VALUE}).")
    private String rootNamespace;

    public static void main(String[] args) {
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
                nodeName, listenAddress, ControllerAddress.parse(controller), ControllerAddress.parse(ca), tokenFile,
                rootCert, trustDomain, rootNamespace));
        process.closeOnShutdown();
        new CountDownLatch(1).await();
        return 0;
    }
}
