package dev.ambit.ztunnel;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.runtime.hbone.HboneSettings;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the tunnel listens and how it behaves.
 *
 * @param node              the node this tunnel serves: the workloads it holds identities for and delivers to
 * @param outbound          redirected outbound connections (:15001)
 * @param hbone             HBONE inbound (:15008)
 * @param plaintextInbound  redirected plaintext inbound (:15006)
 * @param metrics           Prometheus scrape endpoint (:15020)
 * @param readiness         readiness probe (:15021)
 * @param admin             admin endpoint (:15000), a loopback address only; empty for none
 * @param connectTimeout    TCP connect deadline to pods and passthrough destinations
 * @param certificateTtl    lifetime asked of the CA; renewal happens at half of it
 * @param drainDeadline     how long a drain lets connections finish before closing them
 * @param ioThreads         event loop threads
 * @param tlsProvider       BoringSSL or the JDK; empty picks BoringSSL when it loads
 * @param maxConnections    open connections each of the outbound and plaintext listeners takes (two sockets each)
 */
public record ZtunnelOptions(
        String node,
        InetSocketAddress outbound,
        InetSocketAddress hbone,
        InetSocketAddress plaintextInbound,
        InetSocketAddress metrics,
        InetSocketAddress readiness,
        Optional<InetSocketAddress> admin,
        HboneSettings hboneSettings,
        Duration connectTimeout,
        Duration certificateTtl,
        Duration drainDeadline,
        int ioThreads,
        Optional<SslProvider> tlsProvider,
        int maxConnections) {

    public static final int DEFAULT_MAX_CONNECTIONS = 16_384;

    /** The standard ports on {@code address}; the admin endpoint on 127.0.0.1. */
    public static ZtunnelOptions defaults(String node, InetAddress address) {
        return ports(node, address, MeshPorts.OUTBOUND, MeshPorts.HBONE, MeshPorts.PLAINTEXT_INBOUND,
                MeshPorts.METRICS, MeshPorts.READINESS, MeshPorts.ADMIN);
    }

    /** Ephemeral ports on {@code address} (the admin endpoint's on 127.0.0.1), for tests. */
    public static ZtunnelOptions ephemeral(String node, InetAddress address) {
        return ports(node, address, 0, 0, 0, 0, 0, 0);
    }

    /** The admin endpoint's address for {@code port}: loopback (127.0.0.1), whatever the other listeners bind to. */
    public static InetSocketAddress adminOnLoopback(int port) {
        // Not InetAddress.getLoopbackAddress(), which is ::1 under -Djava.net.preferIPv6Addresses=true.
        return new InetSocketAddress(NetUtil.LOCALHOST4, port);
    }

    private static ZtunnelOptions ports(String node, InetAddress address, int outbound, int hbone, int plaintext,
            int metrics, int readiness, int admin) {
        return new ZtunnelOptions(node, new InetSocketAddress(address, outbound), new InetSocketAddress(address, hbone),
                new InetSocketAddress(address, plaintext), new InetSocketAddress(address, metrics),
                new InetSocketAddress(address, readiness), Optional.of(adminOnLoopback(admin)),
                HboneSettings.defaults(), Duration.ofSeconds(10),
                Duration.ofHours(24), Duration.ofSeconds(30), Runtime.getRuntime().availableProcessors(),
                Optional.empty(), DEFAULT_MAX_CONNECTIONS);
    }

    public ZtunnelOptions withHboneSettings(HboneSettings settings) {
        return new ZtunnelOptions(node, outbound, hbone, plaintextInbound, metrics, readiness, admin, settings,
                connectTimeout, certificateTtl, drainDeadline, ioThreads, tlsProvider, maxConnections);
    }

    public ZtunnelOptions withDrainDeadline(Duration deadline) {
        return new ZtunnelOptions(node, outbound, hbone, plaintextInbound, metrics, readiness, admin, hboneSettings,
                connectTimeout, certificateTtl, deadline, ioThreads, tlsProvider, maxConnections);
    }

    public ZtunnelOptions withTlsProvider(SslProvider provider) {
        return new ZtunnelOptions(node, outbound, hbone, plaintextInbound, metrics, readiness, admin, hboneSettings,
                connectTimeout, certificateTtl, drainDeadline, ioThreads, Optional.of(provider), maxConnections);
    }

    public ZtunnelOptions withIoThreads(int threads) {
        return new ZtunnelOptions(node, outbound, hbone, plaintextInbound, metrics, readiness, admin, hboneSettings,
                connectTimeout, certificateTtl, drainDeadline, threads, tlsProvider, maxConnections);
    }

    /** The admin endpoint at {@code address} (loopback only), or none when empty. */
    public ZtunnelOptions withAdmin(Optional<InetSocketAddress> address) {
        return new ZtunnelOptions(node, outbound, hbone, plaintextInbound, metrics, readiness, address,
                hboneSettings, connectTimeout, certificateTtl, drainDeadline, ioThreads, tlsProvider, maxConnections);
    }
}
