package dev.ambit.ztunnel;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.identity.TrustBundle;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.ztunnel.admin.AdminServer;
import dev.ambit.ztunnel.admin.ConfigDump;
import dev.ambit.ztunnel.admin.ConnectionsJson;
import dev.ambit.ztunnel.admin.JsonSection;
import dev.ambit.ztunnel.config.TunnelConfig;
import dev.ambit.ztunnel.config.TunnelConfigStore;
import dev.ambit.ztunnel.connections.LiveConnections;
import dev.ambit.ztunnel.dns.DnsMetrics;
import dev.ambit.ztunnel.dns.DnsProxy;
import dev.ambit.runtime.hbone.HbonePool;
import dev.ambit.runtime.hbone.HboneServer;
import dev.ambit.ztunnel.inbound.HboneInbound;
import dev.ambit.ztunnel.inbound.PlaintextInbound;
import dev.ambit.runtime.http.MetricsServer;
import dev.ambit.runtime.lifecycle.ResourceStack;
import dev.ambit.runtime.http.ReadinessServer;
import dev.ambit.ztunnel.metrics.TunnelMetrics;
import dev.ambit.ztunnel.outbound.EndpointPicker;
import dev.ambit.ztunnel.outbound.GuardedLookup;
import dev.ambit.ztunnel.outbound.OriginalDestinationLookup;
import dev.ambit.ztunnel.outbound.OutboundProxy;
import dev.ambit.ztunnel.outbound.PendingSources;
import dev.ambit.runtime.tls.CertManager;
import dev.ambit.runtime.tls.CertificateAuthorityClient;
import dev.ambit.runtime.tls.TlsContextFactory;
import dev.ambit.runtime.transport.Listener;
import dev.ambit.runtime.transport.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.util.NetUtil;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's L4 tunnel: outbound capture, HBONE and plaintext inbound, certificates for the node's identities,
 * metrics, readiness and the loopback admin endpoint. Its process ({@code node-agent tunnel}) feeds it config and
 * original destinations.
 */
public final class Ztunnel implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Ztunnel.class);
    private static final long DRAIN_POLL_MILLIS = 50;
    private static final long FORCED_CLOSE_MILLIS = 1000;
    private static final long CLOSE_TIMEOUT_MILLIS = 2000;
    private static final long QUIET_PERIOD_MILLIS = 50;

    private final ZtunnelOptions options;
    /** What the tunnel has opened, closed in reverse: its traffic listeners first, its event loops last. */
    private final ResourceStack opened;
    private final Transport transport;
    private final EventLoopGroup group;
    private final TunnelConfigStore config = new TunnelConfigStore();
    private final CertManager certificates;
    private final TunnelMetrics metrics;
    private final MetricsServer metricsServer;
    private final HbonePool pool;
    private final Listener readiness;
    private final LiveConnections connections;
    private final ConfigDump configDump;
    private final Optional<AdminServer> admin;
    private final PendingSources sources;
    private final OutboundProxy outbound;
    private final HboneInbound inbound;
    private final PlaintextInbound plaintext;
    private final Optional<DnsMetrics> dnsMetrics;
    /** The traffic listeners (15001, 15008, 15006) and the DNS proxy (15053); null until {@link #listen()}. */
    private volatile Traffic traffic;
    private final Set<SpiffeId> localIdentities = ConcurrentHashMap.newKeySet();
    private volatile boolean draining;
    private volatile BooleanSupplier prerequisite = () -> true;

    private record Traffic(Listener outbound, Listener hbone, Listener plaintext, Optional<DnsProxy> dns) {
        /** The connection listeners: what a drain stops and waits for. */
        List<Listener> all() {
            return List.of(outbound, hbone, plaintext);
        }
    }

    /** Opens everything onto {@code opened}, in the order it is to be closed in reverse. */
    private Ztunnel(ZtunnelOptions options, ResourceStack opened, Transport transport, CertificateAuthorityClient ca,
            TrustBundle bundle, OriginalDestinationLookup lookup, PrometheusRegistry registry, Clock clock) {
        this.options = options;
        this.opened = opened;
        this.transport = transport;
        // Connections must be gone before their event loops: a loop shut down under a closing TLS connection
        // strands its last writes. Hence the loops at the bottom of the stack, and the pool's connections awaited.
        this.group = opened.push(transport.newEventLoopGroup(options.ioThreads(), "ambit-io"),
                loops -> loops.shutdownGracefully(QUIET_PERIOD_MILLIS, CLOSE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)
                        .syncUninterruptibly());
        TlsContextFactory contexts = options.tlsProvider()
                .map(provider -> new TlsContextFactory(provider, bundle, clock))
                .orElseGet(() -> new TlsContextFactory(bundle, clock));
        this.certificates = opened.push(new CertManager(ca, bundle, contexts, options.certificateTtl(), clock));
        this.metrics = new TunnelMetrics(registry);
        metrics.watchCertificates(certificates::expiries, clock);
        metrics.describe(transport.name(), contexts.provider().name());
        this.metricsServer = opened.push(MetricsServer.bind(transport, group, options.metrics(), registry));
        this.pool = opened.push(new HbonePool(transport, certificates, options.hboneSettings()), connected -> {
            connected.close();
            connected.closeConnections().awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS);
        });
        this.readiness = opened.push(ReadinessServer.bind(transport, group, options.readiness(), this::ready));
        config.onUpdate(this::reconcileIdentities);
        this.connections = new LiveConnections(clock);
        this.configDump = new ConfigDump(options.node(), config::current, certificates, clock);
        this.admin = options.admin().flatMap(address -> bindAdmin(transport, address,
                List.of(new AdminServer.Page("/config_dump", "the config, certificates and steering it holds",
                                configDump),
                        new AdminServer.Page("/connections", "the connections it relays now",
                                new ConnectionsJson(connections, clock)))));
        OriginalDestinationLookup guarded = new GuardedLookup(lookup);
        // After reconcileIdentities' listener: a config's new identities are held when the pending sources look.
        this.sources = new PendingSources(config, options.node(), certificates::firstCertificate,
                options.sourceWait());
        this.outbound = new OutboundProxy(transport, guarded, new EndpointPicker(), config, sources, pool, metrics,
                connections, options.connectTimeout());
        this.inbound = new HboneInbound(transport, config, options.node(), metrics, connections,
                options.connectTimeout());
        this.plaintext = new PlaintextInbound(transport, guarded, config, options.node(), metrics, connections,
                options.connectTimeout());
        this.dnsMetrics = options.dns().map(settings -> new DnsMetrics(registry));
        log.info("event=tunnel_started node={} transport={} tls_provider={} listener_handover={} admin={}",
                options.node(), transport.name(), contexts.provider(), transport.listenerHandover(),
                admin.map(server -> NetUtil.toSocketAddressString(server.address())).orElse("off"));
    }

    /** Everything, or what it had opened closed again (in reverse) and the failure thrown. */
    private static Ztunnel open(ZtunnelOptions options, Transport transport, CertificateAuthorityClient ca,
            TrustBundle bundle, OriginalDestinationLookup lookup, PrometheusRegistry registry, Clock clock,
            boolean listen) {
        try {
            return ResourceStack.openAll(opened -> {
                Ztunnel tunnel = new Ztunnel(options, opened, transport, ca, bundle, lookup, registry, clock);
                if (listen) {
                    tunnel.listen();
                }
                return tunnel;
            });
        } catch (RuntimeException e) {
            log.error("event=tunnel_start_failed node={} error=\"{}\"", options.node(), e.toString());
            throw e;
        }
    }

    /** A tunnel listening at once: until it has config and certificates it refuses what it cannot carry. */
    public static Ztunnel start(ZtunnelOptions options, Transport transport, CertificateAuthorityClient ca,
            TrustBundle bundle, OriginalDestinationLookup lookup, PrometheusRegistry registry, Clock clock) {
        return open(options, transport, ca, bundle, lookup, registry, clock, true);
    }

    /**
     * A tunnel with everything but its traffic listeners: certificates, config, metrics and readiness work, and
     * 15001, 15006 and 15008 are bound by {@link #listen()}. A successor sharing the node's ports with a running
     * tunnel must not take connections before it has the config and certificates to carry them.
     */
    public static Ztunnel prepare(ZtunnelOptions options, Transport transport, CertificateAuthorityClient ca,
            TrustBundle bundle, OriginalDestinationLookup lookup, PrometheusRegistry registry, Clock clock) {
        return open(options, transport, ca, bundle, lookup, registry, clock, false);
    }

    /** Binds the traffic listeners; all of them, or none and throws. */
    public synchronized void listen() {
        if (traffic != null) {
            throw new IllegalStateException("the tunnel already listens");
        }
        // Its own stack, so that a failure closes just these; on the tunnel's, they are the first to close.
        opened.push(ResourceStack.openAll(listening -> {
            Listener outboundListener = listening.push(
                    outbound.bind(group, options.outbound(), options.maxConnections()));
            Listener hboneListener = listening.push(HboneServer.bindRelay(transport, group, options.hbone(), certificates,
                    options.hboneSettings(), inbound, metrics), hboneServer -> {
                        // Peers learn at once that no new streams are taken here.
                        hboneServer.stopAccepting();
                        HboneServer.goAway(hboneServer, Duration.ZERO);
                        hboneServer.close();
                    });
            Listener plaintextListener = listening.push(
                    plaintext.bind(group, options.plaintextInbound(), options.maxConnections()));
            // Bound with the listeners, not before: until the tunnel has its config it knows no service names.
            Optional<DnsProxy> dns = options.dns().map(settings -> listening.push(
                    DnsProxy.bind(transport, group, settings, config::current, dnsMetrics.orElseThrow())));
            traffic = new Traffic(outboundListener, hboneListener, plaintextListener, dns);
            return listening;
        }));
        log.info("event=tunnel_listening node={} local_identities={}", options.node(), localIdentities.size());
    }

    /** Outbound connections waiting for their source's config or certificate now. */
    int sourcesWaiting() {
        return sources.waiting();
    }

    /** Installs a new config; identities of workloads new on this node get certificates, departed ones are dropped. */
    public void updateConfig(TunnelConfig update) {
        config.update(update);
    }

    /**
     * Ready once listening, with a certificate for every identity of this node, and the prerequisite holds; until
     * draining starts.
     */
    public boolean ready() {
        return traffic != null && !draining && prerequisite.getAsBoolean() && certificatesReady();
    }

    /** Whether every identity of this node's workloads (as the config last said) has its certificate. */
    public boolean certificatesReady() {
        return certificates.expiries().keySet().containsAll(localIdentities);
    }

    /**
     * Readiness also waits for {@code condition}: what the process running the tunnel needs before it can carry
     * traffic, e.g. its first config and the node's steering maps.
     */
    public void alsoReadyWhen(BooleanSupplier condition) {
        this.prerequisite = condition;
    }

    /**
     * Stops accepting, lets connections finish (HBONE peers get GOAWAY) until {@code deadline}, then closes the rest.
     * Blocks; call it from a shutdown hook or a management thread, never from an event loop.
     */
    public void drain(Duration deadline) {
        Instant end = Instant.now().plus(deadline);
        log.info("event=drain_started deadline_ms={} connections={}", deadline.toMillis(), openConnections());
        draining = true;
        List<Listener> listeners = listeners();
        // A successor sharing these ports (SO_REUSEPORT) takes every new connection from here on.
        listeners.forEach(Listener::stopAccepting);
        pool.close();
        Traffic bound = traffic;
        if (bound != null) {
            HboneServer.goAway(bound.hbone(), deadline);
        }
        while (openConnections() > 0 && Instant.now().isBefore(end)) {
            try {
                Thread.sleep(DRAIN_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = openConnections();
        listeners.forEach(listener -> listener.closeConnections().awaitUninterruptibly(FORCED_CLOSE_MILLIS));
        log.info("event=drain_finished connections_closed_at_deadline={}", left);
    }

    /** Drains with the configured deadline when the JVM is asked to stop (SIGTERM). */
    public void drainOnShutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            drain(options.drainDeadline());
            close();
        }, "ambit-drain"));
    }

    public int openConnections() {
        return listeners().stream().mapToInt(Listener::connectionCount).sum();
    }

    public InetSocketAddress outboundAddress() {
        return listening().outbound().address();
    }

    public InetSocketAddress hboneAddress() {
        return listening().hbone().address();
    }

    public InetSocketAddress plaintextInboundAddress() {
        return listening().plaintext().address();
    }

    /** Where the DNS proxy answers (UDP and TCP, one port); empty when it is off. */
    public Optional<InetSocketAddress> dnsAddress() {
        return listening().dns().map(DnsProxy::udpAddress);
    }

    /** The DNS proxy's metrics; empty when it is off. */
    public Optional<DnsMetrics> dnsMetrics() {
        return dnsMetrics;
    }

    public InetSocketAddress readinessAddress() {
        return readiness.address();
    }

    public InetSocketAddress metricsAddress() {
        return metricsServer.address();
    }

    /**
     * The admin endpoint, or none when its port is taken: on the host network something else may hold it, and a
     * debugging aid must not keep the node's traffic from being tunnelled.
     */
    private Optional<AdminServer> bindAdmin(Transport transport, InetSocketAddress address,
            List<AdminServer.Page> pages) {
        try {
            return Optional.of(opened.push(AdminServer.bind(transport, group, address, pages)));
        } catch (UncheckedIOException e) {
            log.warn("event=admin_unavailable address={} problem=\"{}\"", NetUtil.toSocketAddressString(address),
                    e.getMessage());
            return Optional.empty();
        }
    }

    /** Where the admin endpoint listens; empty when it is off. */
    public Optional<InetSocketAddress> adminAddress() {
        return admin.map(AdminServer::address);
    }

    /** The connections the tunnel relays now. */
    public LiveConnections connections() {
        return connections;
    }

    /** Adds the field {@code name} to {@code /config_dump}: state the tunnel's process holds beside the tunnel. */
    public void addToConfigDump(String name, JsonSection section) {
        configDump.add(name, section);
    }

    public CertManager certificates() {
        return certificates;
    }

    public HbonePool pool() {
        return pool;
    }

    public TunnelMetrics metrics() {
        return metrics;
    }

    /** Unready at once; then closes what it opened, in reverse: traffic listeners first, event loops last. */
    @Override
    public void close() {
        draining = true;
        opened.close();
    }

    private List<Listener> listeners() {
        Traffic bound = traffic;
        return bound == null ? List.of() : bound.all();
    }

    private Traffic listening() {
        Traffic bound = traffic;
        if (bound == null) {
            throw new IllegalStateException("the tunnel does not listen yet");
        }
        return bound;
    }

    private void reconcileIdentities(TunnelConfig update) {
        Set<SpiffeId> wanted = update.workloads().stream()
                .filter(workload -> workload.ambientOn(options.node()))
                .map(Workload::identity)
                .collect(Collectors.toSet());
        wanted.stream().filter(localIdentities::add).forEach(certificates::add);
        localIdentities.stream().filter(identity -> !wanted.contains(identity)).toList().forEach(identity -> {
            localIdentities.remove(identity);
            certificates.remove(identity);
        });
    }
}
