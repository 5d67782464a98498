package dev.ambit.nodeagent.tunnel;

import dev.ambit.api.config.stream.ConfigStreamClient;
import dev.ambit.api.config.v1.ClientInfo;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.nodeagent.agent.NodeAgent;
import dev.ambit.nodeagent.config.MeshConfigView;
import dev.ambit.nodeagent.metrics.BpfMetrics;
import dev.ambit.nodeagent.metrics.StrictDropMetrics;
import dev.ambit.nodeagent.metrics.ConfigStreamMetrics;
import dev.ambit.nodeagent.redirect.PinnedSteeringView;
import dev.ambit.ztunnel.Ztunnel;
import dev.ambit.ztunnel.ZtunnelOptions;
import dev.ambit.ztunnel.config.TunnelConfig;
import dev.ambit.runtime.lifecycle.ResourceStack;
import dev.ambit.runtime.startup.MeshStartup;
import dev.ambit.runtime.startup.ProcessIdentity;
import dev.ambit.runtime.startup.StartupTime;
import dev.ambit.runtime.transport.Transport;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's L4 tunnel as its own process, beside the node agent: the agent's restarts and crashes leave the
 * tunnelled connections alone. It reads original destinations (and the node's steering metrics) from the agent's
 * pinned maps, follows its own config stream with the node agent identity (both processes of a node run as it),
 * and serves the node's one scrape endpoint, :15020. It binds its traffic listeners only once it has the config
 * and certificates to carry traffic: a successor shares the node's ports with a running tunnel (SO_REUSEPORT) and
 * takes connections from the moment it listens. Its admin endpoint (loopback :15000) adds the steering and the
 * config stream to the tunnel's config dump. SIGTERM drains it.
 */
public final class NodeTunnel implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeTunnel.class);
    /** How soon the tunnel sees pins an agent creates (or re-creates). */
    private static final Duration PIN_CHECK_PERIOD = Duration.ofSeconds(1);
    private static final Duration READY_FILE_PERIOD = Duration.ofMillis(200);
    private static final Duration SERVE_CHECK_PERIOD = Duration.ofMillis(50);
    private static final Duration WAITING_LOG_PERIOD = Duration.ofSeconds(10);

    private final NodeTunnelSettings settings;
    private final ResourceStack opened;
    private final Ztunnel tunnel;
    private final PinnedSteeringView steering;
    private volatile boolean configured;
    /** The config last applied, for naming the kernel's STRICT drops at scrape time. */
    private volatile TunnelConfig current = TunnelConfig.EMPTY;
    private volatile ReadyFile readyFile;

    private NodeTunnel(NodeTunnelSettings settings, ResourceStack opened, Ztunnel tunnel, PinnedSteeringView steering) {
        this.settings = settings;
        this.opened = opened;
        this.tunnel = tunnel;
        this.steering = steering;
    }

    /** Starts everything, or closes what it opened and throws with the reason. */
    public static NodeTunnel start(NodeTunnelSettings settings) {
        return ResourceStack.openAll(opened -> start(settings, opened, Clock.systemUTC()));
    }

    private static NodeTunnel start(NodeTunnelSettings settings, ResourceStack opened, Clock clock) {
        MeshStartup startup = MeshStartup.connect(settings.controlPlane(), opened, clock);
        PinnedSteeringView steering = opened.push(PinnedSteeringView.follow(settings.pinRoot(), PIN_CHECK_PERIOD));
        PrometheusRegistry registry = new PrometheusRegistry();
        BpfMetrics.register(registry, steering);
        // The flag decides before the agent has pinned anything; an agent already running says so through its pins.
        boolean socketFastPath = settings.socketFastPath() || steering.socketFastPath().orElse(false);
        Transport transport = socketFastPath ? Transport.forSocketFastPath() : Transport.best();
        Ztunnel tunnel = opened.push(Ztunnel.prepare(
                ZtunnelOptions.builder(settings.nodeName(), settings.listenAddress())
                        .drainDeadline(settings.drainDeadline())
                        .sourceWait(settings.sourceWait())
                        .admin(settings.admin())
                        .dns(settings.dns())
                        .build(),
                transport,
                startup.controlPlane().certificateAuthority(),
                startup.controlPlane().trustBundle(),
                (client, listener) -> steering.originalDestination(client),
                registry, clock));
        NodeTunnel node = new NodeTunnel(settings, opened, tunnel, steering);
        StrictDropMetrics.register(registry, steering, () -> node.current);
        FastPathTransportGuard transportGuard = new FastPathTransportGuard(transport, steering::socketFastPath);
        tunnel.alsoReadyWhen(() -> node.configured && steering.opened() && transportGuard.suitable());
        tunnel.addToConfigDump("steering", new SteeringJson(steering, settings.pinRoot()));

        // The node agent's identity, held by the tunnel's own certificate manager: both processes of a node run as it.
        SpiffeId identity = startup.identity(settings.controlPlane().rootNamespace(),
                NodeAgent.IDENTITY_SERVICE_ACCOUNT);
        ProcessIdentity issued = startup.awaitIdentity(identity, tunnel.certificates());
        ConfigStreamClient configStream = startup.followConfig(issued, ClientInfo.newBuilder()
                .setId(settings.nodeName() + "/tunnel/" + UUID.randomUUID())
                .setKind(ClientInfo.Kind.NODE_AGENT)
                .setNodeName(settings.nodeName())
                .build(), MeshConfigView.tunnel(settings.controlPlane().rootNamespace(), node::apply));
        ConfigStreamMetrics.register(registry, configStream);
        tunnel.addToConfigDump("configStream",
                new ConfigStreamJson(configStream, settings.controlPlane().controller().toString()));
        // Only now listen: a successor sharing the node's ports takes connections from the moment it listens.
        node.awaitConfigAndCertificates();
        tunnel.listen();
        settings.readyFile().ifPresent(file ->
                node.readyFile = opened.push(ReadyFile.follow(file, tunnel::ready, READY_FILE_PERIOD)));
        log.info("event=node_tunnel_started node={} listen_address={} pin_root={} steering_pins={} controller={}"
                        + " ready_file={} startup_ms={}", settings.nodeName(), settings.listenAddress().getHostAddress(),
                settings.pinRoot(), steering.opened() ? "opened" : "waiting (" + steering.problem().orElse("") + ")",
                settings.controlPlane().controller(), settings.readyFile().map(Object::toString).orElse("-"),
                StartupTime.millis());
        return node;
    }

    /** On SIGTERM: unready at once, stop accepting (a successor on the same ports takes over), drain, then close. */
    public void closeOnShutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ReadyFile file = readyFile;
            if (file != null) {
                file.close();
            }
            tunnel.drain(settings.drainDeadline());
            close();
        }, "ambit-tunnel-shutdown"));
    }

    public Ztunnel tunnel() {
        return tunnel;
    }

    public PinnedSteeringView steering() {
        return steering;
    }

    @Override
    public void close() {
        opened.close();
        log.info("event=node_tunnel_stopped node={}", settings.nodeName());
    }

    /** Until the first config is applied and every local identity has its certificate; logs now and then why not. */
    private void awaitConfigAndCertificates() {
        long started = System.nanoTime();
        long nextLog = started + WAITING_LOG_PERIOD.toNanos();
        while (!configured || !tunnel.certificatesReady()) {
            if (System.nanoTime() > nextLog) {
                log.info("event=tunnel_waiting_to_listen config={} certificates={} waited_ms={}",
                        configured ? "applied" : "awaited", tunnel.certificatesReady() ? "ready" : "awaited",
                        (System.nanoTime() - started) / 1_000_000);
                nextLog += WAITING_LOG_PERIOD.toNanos();
            }
            try {
                Thread.sleep(SERVE_CHECK_PERIOD.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted before the tunnel could listen", e);
            }
        }
    }

    private void apply(TunnelConfig config) {
        current = config;
        tunnel.updateConfig(config);
        configured = true;
    }
}
