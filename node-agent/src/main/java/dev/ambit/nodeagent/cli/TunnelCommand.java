package dev.ambit.nodeagent.cli;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.runtime.transport.WildcardAddress;
import dev.ambit.nodeagent.redirect.RedirectorConfig;
import dev.ambit.nodeagent.tunnel.NodeTunnel;
import dev.ambit.nodeagent.tunnel.NodeTunnelSettings;
import dev.ambit.ztunnel.ZtunnelOptions;
import dev.ambit.ztunnel.dns.DnsProxySettings;
import dev.ambit.ztunnel.dns.ResolvConf;
import io.netty.util.NetUtil;
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
    private static final int DNS_PORT = 53;

    @Option(names = "--node-name", defaultValue = "${env:NODE_NAME}", required = true,
            description = "The node this tunnel serves (default: $NODE_NAME).")
    private String nodeName;

    @Option(names = "--listen-address",
            description = "Address the tunnel's listeners (" + MeshPorts.OUTBOUND + ", " + MeshPorts.PLAINTEXT_INBOUND
                    + ", " + MeshPorts.HBONE + ", " + MeshPorts.DNS + ", " + MeshPorts.METRICS + ", "
                    + MeshPorts.READINESS + ") bind to (default: ::, every address of both families, on a host with"
                    + " IPv6; else 0.0.0.0).")
    private InetAddress listenAddress = WildcardAddress.anyFamily();

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

    private Duration sourceWait;

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

    @Option(names = "--dns-proxy", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Answer DNS on :" + MeshPorts.DNS + " (UDP and TCP): the mesh's service names from its"
                    + " config, every other name forwarded to --dns-upstream; --no-dns-proxy turns it off"
                    + " (default: on).")
    private boolean dnsProxy;

    @Option(names = "--dns-upstream",
            description = "The resolver the DNS proxy forwards names outside the mesh to, IP or IP:port ([IPv6]:port)"
                    + " (default: the first nameserver of /etc/resolv.conf, else 127.0.0.1:53 as glibc would).")
    private String dnsUpstream;

    @Option(names = "--cluster-domain", defaultValue = DnsProxySettings.DEFAULT_CLUSTER_DOMAIN,
            description = "The DNS suffix of the mesh's service names, <svc>.<ns>.svc.<domain>"
                    + " (default: ${DEFAULT-VALUE}).")
    private String clusterDomain;

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

    @Option(names = "--source-wait", defaultValue = "PT5S",
            description = "How long a redirected connection from a pod the tunnel has no config or certificate for"
                    + " yet (just enrolled by the CNI plugin) waits for them before it is refused, ISO-8601; PT0S"
                    + " refuses at once (default: ${DEFAULT-VALUE}).")
    void sourceWait(Duration wait) {
        if (wait.isNegative()) {
            throw new ParameterException(spec.commandLine(), "--source-wait must not be negative, not " + wait);
        }
        sourceWait = wait;
    }

    Duration sourceWait() {
        return sourceWait;
    }

    /** Where the admin endpoint will listen, as the flags say; empty when it is off. */
    Optional<InetSocketAddress> admin() {
        return admin;
    }

    /** The DNS proxy's settings as the flags say; empty when it is off. */
    Optional<DnsProxySettings> dns() {
        if (!dnsProxy) {
            return Optional.empty();
        }
        InetSocketAddress upstream = dnsUpstream != null ? upstreamAddress(dnsUpstream)
                : ResolvConf.firstNameserver(DnsProxySettings.RESOLV_CONF)
                        .orElse(new InetSocketAddress(NetUtil.LOCALHOST4, DNS_PORT));
        try {
            return Optional.of(DnsProxySettings.defaults(listenAddress, upstream).withClusterDomain(clusterDomain));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--cluster-domain: " + e.getMessage());
        }
    }

    /** {@code IP}, {@code IP:port} or {@code [IPv6]:port}; only literals, as the resolver is what names need. */
    private InetSocketAddress upstreamAddress(String value) {
        String host = value;
        int port = DNS_PORT;
        int colon = value.lastIndexOf(':');
        if (value.startsWith("[") && value.contains("]:")) {
            host = value.substring(1, value.indexOf("]:"));
            port = parsePort(value.substring(value.indexOf("]:") + 2), value);
        } else if (colon > 0 && value.indexOf(':') == colon) {
            host = value.substring(0, colon);
            port = parsePort(value.substring(colon + 1), value);
        }
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(host);
        if (address == null) {
            throw new ParameterException(spec.commandLine(), "--dns-upstream must be an IP address with an optional"
                    + " port, not '" + value + "'");
        }
        return new InetSocketAddress(address, port);
    }

    private int parsePort(String port, String value) {
        try {
            int number = Integer.parseInt(port);
            if (number >= 1 && number <= MAX_PORT) {
                return number;
            }
        } catch (NumberFormatException e) {
            // Reported below with the whole value.
        }
        throw new ParameterException(spec.commandLine(), "--dns-upstream has no port 1 to " + MAX_PORT + " in '"
                + value + "'");
    }

    @Override
    public Integer call() throws InterruptedException {
        NodeTunnel tunnel = NodeTunnel.start(new NodeTunnelSettings(nodeName, listenAddress, controlPlane.settings(),
                pinRoot, drainDeadline, sourceWait, Optional.ofNullable(readyFile), admin, socketFastPath, dns()));
        tunnel.closeOnShutdown();
        new CountDownLatch(1).await();
        return 0;
    }
}
