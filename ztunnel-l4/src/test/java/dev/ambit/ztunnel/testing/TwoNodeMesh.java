package dev.ambit.ztunnel.testing;

import dev.ambit.runtime.testing.EchoServer;
import dev.ambit.runtime.testing.Waits;
import dev.ambit.runtime.testing.TestCa;
import dev.ambit.api.model.policy.AuthorizationPolicy;
import dev.ambit.api.model.policy.PeerAuthentication;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.ztunnel.Ztunnel;
import dev.ambit.ztunnel.ZtunnelOptions;
import dev.ambit.ztunnel.config.TunnelConfig;
import dev.ambit.runtime.hbone.HboneKey;
import dev.ambit.runtime.hbone.HboneSettings;
import dev.ambit.runtime.transport.Transport;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Two node tunnels on loopback with a client pod on node A and an echo pod on node B, sharing a test CA. Node A's
 * tunnel is at 127.0.0.1, node B's at 127.0.0.2, the client pod at 127.0.0.4 and the echo pod at 127.0.0.3, all on
 * ephemeral ports; the fake original-destination lookup says every client connection meant the echo pod.
 */
public final class TwoNodeMesh implements AutoCloseable {

    public static final String NAMESPACE = "demo";
    public static final InetAddress CLIENT_POD = Workloads.loopback(4);
    public static final InetAddress ECHO_POD = Workloads.loopback(3);
    public static final HboneSettings DEFAULT_SETTINGS = HboneSettings.defaults()
            .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(30));

    private final TestCa ca = new TestCa();
    private final MapLookup lookup = new MapLookup();
    private final EchoServer echo = new EchoServer(ECHO_POD);
    private final Ztunnel nodeA;
    private final Ztunnel nodeB;
    private final Workload client;
    private final Workload server;

    public TwoNodeMesh(HboneSettings settings) {
        this(settings, Transport.best(), OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
    }

    public TwoNodeMesh(HboneSettings settings, Transport transport, SslProvider tls) {
        this(settings, transport, tls, Runtime.getRuntime().availableProcessors());
    }

    /** With {@code ioThreads} event loops per tunnel: one makes every stream to the echo pod share one connection. */
    public TwoNodeMesh(int ioThreads) {
        this(DEFAULT_SETTINGS, Transport.best(), OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK,
                ioThreads);
    }

    /**
     * One event loop per tunnel, and certificates that have only {@code lifetime} left when they arrive, so that the
     * tunnels' half-life timers renew them {@code lifetime / 2} after each request. The test CA's clock runs behind
     * the tunnels' by the TTL they ask for less {@code lifetime} (the CA issues nothing under a minute); {@code
     * ca().clock().reset()} makes it issue full-length certificates again.
     */
    public static TwoNodeMesh withShortLivedCertificates(Duration lifetime) {
        return new TwoNodeMesh(DEFAULT_SETTINGS, Transport.best(),
                OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK, 1, lifetime);
    }

    /**
     * Tunnels whose outbound and plaintext listeners take {@code maxConnections} each; {@code settings} bounds the
     * HBONE listener.
     */
    public static TwoNodeMesh withConnectionLimit(HboneSettings settings, int maxConnections) {
        return new TwoNodeMesh(settings, Transport.best(), OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK,
                Runtime.getRuntime().availableProcessors(), null, maxConnections, ZtunnelOptions.DEFAULT_SOURCE_WAIT);
    }

    /** Tunnels that hold a connection from a source they cannot carry yet for {@code sourceWait}. */
    public static TwoNodeMesh withSourceWait(Duration sourceWait) {
        return new TwoNodeMesh(DEFAULT_SETTINGS, Transport.best(),
                OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK,
                Runtime.getRuntime().availableProcessors(), null,
                ZtunnelOptions.ephemeral("node-a", Workloads.loopback(1)).maxConnections(), sourceWait);
    }

    private TwoNodeMesh(HboneSettings settings, Transport transport, SslProvider tls, int ioThreads) {
        this(settings, transport, tls, ioThreads, null);
    }

    private TwoNodeMesh(HboneSettings settings, Transport transport, SslProvider tls, int ioThreads,
            Duration certificateLifetime) {
        this(settings, transport, tls, ioThreads, certificateLifetime,
                ZtunnelOptions.ephemeral("node-a", Workloads.loopback(1)).maxConnections(),
                ZtunnelOptions.DEFAULT_SOURCE_WAIT);
    }

    private TwoNodeMesh(HboneSettings settings, Transport transport, SslProvider tls, int ioThreads,
            Duration certificateLifetime, int maxConnections, Duration sourceWait) {
        if (certificateLifetime != null) {
            Duration ttl = ZtunnelOptions.ephemeral("node-a", Workloads.loopback(1)).certificateTtl();
            ca.clock().shift(certificateLifetime.minus(ttl));
        }
        nodeA = start("node-a", Workloads.loopback(1), settings, transport, tls, ioThreads, maxConnections,
                sourceWait);
        nodeB = start("node-b", Workloads.loopback(2), settings, transport, tls, ioThreads, maxConnections,
                sourceWait);
        client = Workloads.ambient(NAMESPACE, "client", "node-a", CLIENT_POD, nodeA.hboneAddress());
        server = Workloads.ambient(NAMESPACE, "echo", "node-b", ECHO_POD, nodeB.hboneAddress());
        lookup.put(CLIENT_POD, echo.address());
        configure(List.of(), List.of());
    }

    public TwoNodeMesh() {
        this(DEFAULT_SETTINGS);
    }

    private Ztunnel start(String node, InetAddress address, HboneSettings settings, Transport transport,
            SslProvider tls, int ioThreads, int maxConnections, Duration sourceWait) {
        return Ztunnel.start(ZtunnelOptions.ephemeral(node, address).toBuilder().hboneSettings(settings)
                        .drainDeadline(Duration.ofSeconds(5)).tlsProvider(tls).ioThreads(ioThreads)
                        .maxConnections(maxConnections).sourceWait(sourceWait).build(),
                transport, ca.client(), ca.trustBundle(), lookup, new PrometheusRegistry(), Clock.systemUTC());
    }

    /** Pushes the two workloads plus {@code policies} to both tunnels and waits for their certificates. */
    public void configure(List<AuthorizationPolicy> policies, List<PeerAuthentication> peerAuthentications) {
        TunnelConfig config = TunnelConfig.builder()
                .workloads(List.of(client, server))
                .authorizationPolicies(policies)
                .peerAuthentications(peerAuthentications)
                .build();
        nodeA.updateConfig(config);
        nodeB.updateConfig(config);
        Waits.until("both tunnels ready", Duration.ofSeconds(20), () -> nodeA.ready() && nodeB.ready());
    }

    /** A connection from the client pod, redirected to node A's outbound listener. */
    public Socket connectFromClient() {
        return connect(CLIENT_POD, nodeA.outboundAddress());
    }

    public static Socket connect(InetAddress from, InetSocketAddress to) {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(to, 5_000);
            socket.setSoTimeout(60_000);
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The pool key node A uses towards the echo pod. */
    public HboneKey echoKey() {
        return new HboneKey(client.identity(), nodeB.hboneAddress(), server.identity());
    }

    public Ztunnel nodeA() {
        return nodeA;
    }

    public Ztunnel nodeB() {
        return nodeB;
    }

    public Workload clientWorkload() {
        return client;
    }

    public Workload echoWorkload() {
        return server;
    }

    public MapLookup lookup() {
        return lookup;
    }

    public InetSocketAddress echoAddress() {
        return echo.address();
    }

    public TestCa ca() {
        return ca;
    }

    @Override
    public void close() {
        nodeA.close();
        nodeB.close();
        echo.close();
    }
}
