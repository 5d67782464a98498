package dev.ambit.nodeagent.cli;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.nodeagent.redirect.RedirectorConfig;
import dev.ambit.nodeagent.tunnel.NodeTunnel;
import dev.ambit.nodeagent.tunnel.NodeTunnelSettings;
import dev.ambit.ztunnel.ZtunnelOptions;
import dev.ambit.runtime.controlplane.ControlPlaneOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code node-agent tunnel}: the node's L4 tunnel as its own process. Runs until SIGTERM, then drains. */
@Command(name = "tunnel", description = "Run the node's L4 tunnel (mTLS HBONE), reading original destinations from"
        + " the steering maps node-agent run pins. SIGTERM drains it; a successor may share its ports meanwhile.")
public final class TunnelCommand implements Callable<Integer> {

    private static final int MAX_PORT = 65_535;

    @Option(names = "--node-name", defaultValue = "${env:NODE_NAME}", required = true,
            description = "The node this tunnel serves (default: $NODE_NAME).")
    private String nodeName;

    @Option(names = "--listen-address", defaultValue = "0.0.0.0",
            description = "Address the tunnel's listeners (" + MeshPorts.OUTBOUND + ", " + MeshPorts.PLAINTEXT_INBOUND
                    + ", " + MeshPorts.HBONE + ", " + MeshPorts.METRICS + ", " + MeshPorts.READINESS + ") bind to"
                    + " (default: ${DEFAULT-VALUE}).")
    private InetAddress listenAddress;

    @Spec
    private CommandSpec spec;

    @Mixin
    private ControlPlaneOptions controlPlane;

    @Option(names = "--pin-root", description = "bpffs directory where node-agent run pins the steering"
            + " (default: ${DEFAULT-VALUE}).")
    private Path pinRoot = RedirectorConfig.DEFAULT_PIN_ROOT;

    @Option(names = "--drain-deadline", defaultValue = "PT30S",
            description = "On SIGTERM, how long open connections may finish, ISO-8601 (default: ${DEFAULT-VALUE}).")
    private Duration drainDeadline;

    @Option(names = "--ready-file",
            description = "A file that exists exactly while the tunnel is ready: what a probe checks when a"
                    + " predecessor may still answer on the shared :" + MeshPorts.READINESS + " (default: none).")
    private Path readyFile;

    @Option(names = "--socket-fast-path",
            description = "Set when node-agent run has --socket-fast-path: the tunnel's io_uring then reads into a"
                    + " buffer ring (else epoll, else NIO), as plain io_uring stalls on fast-path sockets. Without"
                    + " it, the tunnel still does so when the agent's pins say so at start; a tunnel on plain"
                    + " io_uring stays unready while they do.")
    private boolean socketFastPath;

    private Optional<InetSocketAddress> admin;

    @Option(names = "--admin-port", defaultValue = "" + MeshPorts.ADMIN,
            description = "Port of the admin endpoint (config dump, connections), always on 127.0.0.1 whatever"
                    + " --listen-address says; 0 turns it off (default: ${DEFAULT-VALUE}).")
    void adminPort(int port) {
        if (port < 0 || port > MAX_PORT) {
            throw new ParameterException(spec.commandLine(), "--admin-port must be 0 (off) to " + MAX_PORT
                    + ", not " + port);
        }
        admin = port == 0 ? Optional.empty() : Optional.of(ZtunnelOptions.adminOnLoopback(port));
    }

    /** Where the admin endpoint will listen, as the flags say; empty when it is off. */
    Optional<InetSocketAddress> admin() {
        return admin;
    }

    @Override
    public Integer call() throws InterruptedException {
        NodeTunnel tunnel = NodeTunnel.start(new NodeTunnelSettings(nodeName, listenAddress, controlPlane.settings(),
                pinRoot, drainDeadline, Optional.ofNullable(readyFile), admin, socketFastPath));
        tunnel.closeOnShutdown();
        new CountDownLatch(1).await();
        return 0;
    }
}
