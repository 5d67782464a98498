package dev.ambit.ztunnel;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.runtime.hbone.HboneSettings;
import dev.ambit.ztunnel.dns.DnsProxySettings;
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
 * @param sourceWait        how long a redirected connection from a source the tunnel cannot carry yet (a pod just
 *                          enrolled: not in the config, or its certificate not in) waits for it; zero refuses it
 * @param ioThreads         event loop threads
 * @param tlsProvider       BoringSSL or the JDK; empty picks BoringSSL when it loads
 * @param maxConnections    open connections each of the outbound and plaintext listeners takes (two sockets each)
 * @param dns               the DNS proxy (:15053, docs/dns.md); empty for none
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
        Duration sourceWait,
        int ioThreads,
        Optional<SslProvider> tlsProvider,
        int maxConnections,
        Optional<DnsProxySettings> dns) {

    public static final int DEFAULT_MAX_CONNECTIONS = 16_384;
    /**
     * A new pod's config reaches the tunnel after the pod's IP reaches the API server and the controller pushes it
     * (typically well under a second), and its certificate after one signing; seconds of margin for a loaded node,
     * well inside the connect timeouts applications use.
     */
    public static final Duration DEFAULT_SOURCE_WAIT = Duration.ofSeconds(5);

    /** The standard ports on {@code address}; the admin endpoint on 127.0.0.1. */
    public static ZtunnelOptions defaults(String node, InetAddress address) {
        return builder(node, address).build();
    }

    /** Ephemeral ports on {@code address} (the admin endpoint's on 127.0.0.1), for tests. */
    public static ZtunnelOptions ephemeral(String node, InetAddress address) {
        return builder(node, address).ports(address, 0, 0, 0, 0, 0, 0).build();
    }

    /** Starts from {@link #defaults}: the standard ports on {@code address}, and every other option's default. */
    public static Builder builder(String node, InetAddress address) {
        return new Builder(node).ports(address, MeshPorts.OUTBOUND, MeshPorts.HBONE, MeshPorts.PLAINTEXT_INBOUND,
                MeshPorts.METRICS, MeshPorts.READINESS, MeshPorts.ADMIN);
    }

    /** Starts from these options. */
    public Builder toBuilder() {
        return new Builder(node)
                .outbound(outbound)
                .hbone(hbone)
                .plaintextInbound(plaintextInbound)
                .metrics(metrics)
                .readiness(readiness)
                .admin(admin)
                .hboneSettings(hboneSettings)
                .connectTimeout(connectTimeout)
                .certificateTtl(certificateTtl)
                .drainDeadline(drainDeadline)
                .sourceWait(sourceWait)
                .ioThreads(ioThreads)
                .tlsProvider(tlsProvider)
                .maxConnections(maxConnections)
                .dns(dns);
    }

    /** The admin endpoint's address for {@code port}: loopback (127.0.0.1), whatever the other listeners bind to. */
    public static InetSocketAddress adminOnLoopback(int port) {
        // Not InetAddress.getLoopbackAddress(), which is ::1 under -Djava.net.preferIPv6Addresses=true.
        return new InetSocketAddress(NetUtil.LOCALHOST4, port);
    }

    /** Options one at a time; each starts at its default (see {@link ZtunnelOptions#builder}). */
    public static final class Builder {

        private final String node;
        private InetSocketAddress outbound;
        private InetSocketAddress hbone;
        private InetSocketAddress plaintextInbound;
        private InetSocketAddress metrics;
        private InetSocketAddress readiness;
        private Optional<InetSocketAddress> admin = Optional.empty();
        private HboneSettings hboneSettings = HboneSettings.defaults();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration certificateTtl = Duration.ofHours(24);
        private Duration drainDeadline = Duration.ofSeconds(30);
        private Duration sourceWait = DEFAULT_SOURCE_WAIT;
        private int ioThreads = Runtime.getRuntime().availableProcessors();
        private Optional<SslProvider> tlsProvider = Optional.empty();
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private Optional<DnsProxySettings> dns = Optional.empty();

        private Builder(String node) {
            this.node = node;
        }

        /** Every listener on {@code address} at these ports (0: ephemeral); the admin endpoint on 127.0.0.1. */
        Builder ports(InetAddress address, int outbound, int hbone, int plaintextInbound, int metrics, int readiness,
                int admin) {
            return outbound(new InetSocketAddress(address, outbound))
                    .hbone(new InetSocketAddress(address, hbone))
                    .plaintextInbound(new InetSocketAddress(address, plaintextInbound))
                    .metrics(new InetSocketAddress(address, metrics))
                    .readiness(new InetSocketAddress(address, readiness))
                    .admin(Optional.of(adminOnLoopback(admin)));
        }

        public Builder outbound(InetSocketAddress address) {
            this.outbound = address;
            return this;
        }

        public Builder hbone(InetSocketAddress address) {
            this.hbone = address;
            return this;
        }

        public Builder plaintextInbound(InetSocketAddress address) {
            this.plaintextInbound = address;
            return this;
        }

        public Builder metrics(InetSocketAddress address) {
            this.metrics = address;
            return this;
        }

        public Builder readiness(InetSocketAddress address) {
            this.readiness = address;
            return this;
        }

        /** The admin endpoint at {@code address} (loopback only), or none when empty. */
        public Builder admin(Optional<InetSocketAddress> address) {
            this.admin = address;
            return this;
        }

        public Builder hboneSettings(HboneSettings settings) {
            this.hboneSettings = settings;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder certificateTtl(Duration ttl) {
            this.certificateTtl = ttl;
            return this;
        }

        public Builder drainDeadline(Duration deadline) {
            this.drainDeadline = deadline;
            return this;
        }

        public Builder sourceWait(Duration wait) {
            this.sourceWait = wait;
            return this;
        }

        public Builder ioThreads(int threads) {
            this.ioThreads = threads;
            return this;
        }

        public Builder tlsProvider(SslProvider provider) {
            return tlsProvider(Optional.of(provider));
        }

        /** BoringSSL or the JDK; empty picks BoringSSL when it loads. */
        public Builder tlsProvider(Optional<SslProvider> provider) {
            this.tlsProvider = provider;
            return this;
        }

        public Builder maxConnections(int connections) {
            this.maxConnections = connections;
            return this;
        }

        /** The DNS proxy with these settings, or none when empty (the default). */
        public Builder dns(Optional<DnsProxySettings> settings) {
            this.dns = settings;
            return this;
        }

        public ZtunnelOptions build() {
            return new ZtunnelOptions(node, outbound, hbone, plaintextInbound, metrics, readiness, admin,
                    hboneSettings, connectTimeout, certificateTtl, drainDeadline, sourceWait, ioThreads, tlsProvider,
                    maxConnections, dns);
        }
    }
}
