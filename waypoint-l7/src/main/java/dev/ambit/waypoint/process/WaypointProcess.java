package dev.ambit.waypoint.process;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.api.config.stream.MeshConfig;
import dev.ambit.api.config.v1.ClientInfo;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.policy.AuthorizationPolicy;
import dev.ambit.api.model.policy.RequestAuthentication;
import dev.ambit.api.model.route.HttpRoute;
import dev.ambit.api.model.traffic.TrafficPolicy;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.waypoint.Waypoint;
import dev.ambit.waypoint.WaypointConfig;
import dev.ambit.waypoint.WaypointSettings;
import dev.ambit.waypoint.observe.SpanRecorder;
import dev.ambit.waypoint.inbound.GatewayListenerSource;
import dev.ambit.waypoint.inbound.HboneInboundSource;
import dev.ambit.waypoint.inbound.ListenerCertificates;
import dev.ambit.waypoint.route.GatewayListener;
import dev.ambit.waypoint.route.GatewayPort;
import dev.ambit.waypoint.upstream.HboneUpstreamConnector;
import dev.ambit.waypoint.upstream.LoopHbonePools;
import dev.ambit.waypoint.upstream.TcpUpstreamConnector;
import dev.ambit.runtime.lifecycle.ResourceStack;
import dev.ambit.runtime.hbone.HboneSettings;
import dev.ambit.runtime.http.MetricsServer;
import dev.ambit.runtime.http.ReadinessServer;
import dev.ambit.runtime.startup.ConfigSubscription;
import dev.ambit.runtime.startup.MeshStartup;
import dev.ambit.runtime.startup.ProcessIdentity;
import dev.ambit.runtime.startup.StartupTime;
import dev.ambit.runtime.tls.CertManager;
import dev.ambit.runtime.transport.Listener;
import dev.ambit.runtime.transport.Transport;
import io.netty.channel.EventLoopGroup;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A waypoint as a process: gets its Gateway's identity from the CA, serves HBONE on :15008 with it, follows the
 * controller's config for the services bound to it, and reports metrics on :15020 and readiness on :15021.
 */
public final class WaypointProcess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WaypointProcess.class);
    private static final Duration UPSTREAM_CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How often an ingress gateway re-reads its listeners' certificate files. */
    private static final Duration CERTIFICATE_RELOAD = Duration.ofSeconds(10);

    private final ResourceStack opened;
    private final Waypoint waypoint;
    private final WaypointProcessSettings settings;
    private volatile boolean configured;

    private WaypointProcess(ResourceStack opened, Waypoint waypoint, WaypointProcessSettings settings) {
        this.opened = opened;
        this.waypoint = waypoint;
        this.settings = settings;
    }

    public static WaypointProcess start(WaypointProcessSettings settings) {
        return ResourceStack.openAll(opened -> start(settings, opened, Clock.systemUTC()));
    }

    private static WaypointProcess start(WaypointProcessSettings settings, ResourceStack opened, Clock clock) {
        MeshStartup startup = MeshStartup.connect(settings.controlPlane(), opened, clock);
        SpiffeId identity = startup.identity(settings.gateway().namespace(), settings.gateway().name());
        CertManager certificates = startup.certificates();
        ProcessIdentity issued = startup.awaitIdentity(identity, certificates);

        Transport transport = Transport.best();
        EventLoopGroup group = transport.newEventLoopGroup(Runtime.getRuntime().availableProcessors(), "ambit-waypoint");
        opened.push(() -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
        LoopHbonePools pool = new LoopHbonePools(transport, certificates, HboneSettings.defaults());
        opened.push(pool);
        PrometheusRegistry registry = new PrometheusRegistry();
        // Closed after the waypoint (the stack is last in, first out): the last requests' spans are still exported.
        SpanRecorder spans = SpanRecorder.open(settings.tracing(),
                settings.gateway().name() + "." + settings.gateway().namespace());
        opened.push(spans);
        Waypoint waypoint = new Waypoint(WaypointSettings.defaults(), new HboneUpstreamConnector(pool, identity,
                new TcpUpstreamConnector(transport, UPSTREAM_CONNECT_TIMEOUT)), registry, spans);
        opened.push(waypoint);
        opened.push(MetricsServer.bind(transport, group,
                new InetSocketAddress(settings.listenAddress(), MeshPorts.METRICS), registry));
        WaypointProcess process = new WaypointProcess(opened, waypoint, settings);
        Listener readiness = ReadinessServer.bind(transport, group,
                new InetSocketAddress(settings.listenAddress(), MeshPorts.READINESS), () -> process.configured);
        opened.push(readiness);

        startup.followConfig(issued, ClientInfo.newBuilder()
                .setId(settings.gateway() + "/" + UUID.randomUUID())
                .setKind(ClientInfo.Kind.WAYPOINT)
                .setNodeName(settings.nodeName())
                .setNamespace(settings.gateway().namespace())
                .setName(settings.gateway().name())
                .build(), process.configSubscription());
        if (settings.ingress().isPresent()) {
            listenAsIngress(settings, waypoint, transport, group, opened);
            log.info("event=ingress_started gateway={} identity={} transport={} controller={} listeners={}"
                    + " startup_ms={}", settings.gateway(), identity, transport.name(),
                    settings.controlPlane().controller(), settings.ingress().get().size(), StartupTime.millis());
        } else {
            waypoint.listen(new HboneInboundSource(transport, group, certificates, HboneSettings.defaults(),
                    new InetSocketAddress(settings.listenAddress(), MeshPorts.HBONE)));
            log.info("event=waypoint_started gateway={} identity={} transport={} controller={} startup_ms={}",
                    settings.gateway(), identity, transport.name(), settings.controlPlane().controller(),
                    StartupTime.millis());
        }
        return process;
    }

    /**
     * An ingress gateway takes clients from outside the mesh on its Gateway's listeners, no HBONE inbound; it still
     * forwards into the mesh over HBONE as its Gateway's identity, so destination policies can name it. The
     * listeners of one port (one per hostname) share its socket; each request goes to the one for its host.
     */
    private static void listenAsIngress(WaypointProcessSettings settings, Waypoint waypoint, Transport transport,
            EventLoopGroup group, ResourceStack opened) {
        Map<Integer, List<IngressListenerSpec>> byPort = new TreeMap<>();
        settings.ingress().get().forEach(spec -> byPort.computeIfAbsent(spec.port(), port -> new ArrayList<>())
                .add(spec));
        List<ListenerCertificates> certificates = new ArrayList<>();
        byPort.forEach((port, specs) -> {
            List<GatewayListener> listeners = specs.stream().map(spec -> spec.listenerOf(settings.gateway())).toList();
            // The controller never puts HTTP and HTTPS on one port (ProtocolConflict): the first one's decides.
            boolean https = specs.get(0).protocol().equals("HTTPS");
            Optional<ListenerCertificates> tls = https ? Optional.of(new ListenerCertificates(specs.stream()
                    .map(spec -> new ListenerCertificates.Entry(spec.name(), spec.hostname(),
                            spec.certificates().get(0)))
                    .toList())) : Optional.empty();
            tls.ifPresent(certificates::add);
            waypoint.listen(new GatewayListenerSource(transport, group,
                    new InetSocketAddress(settings.listenAddress(), port),
                    new GatewayPort(settings.gateway(), port, listeners),
                    WaypointSettings.defaults().limits().maxConnections(), tls));
            log.info("event=listener_started gateway={} protocol={} port={} listeners={}", settings.gateway(),
                    https ? "HTTPS" : "HTTP", port, listeners.stream().map(GatewayListener::name).toList());
        });
        if (!certificates.isEmpty()) {
            // File reads off the event loops; the kubelet updates a mounted Secret within about a minute anyway.
            ScheduledExecutorService reloader = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "ambit-ingress-certificates");
                thread.setDaemon(true);
                return thread;
            });
            reloader.scheduleWithFixedDelay(() -> certificates.forEach(ListenerCertificates::reload),
                    CERTIFICATE_RELOAD.toSeconds(), CERTIFICATE_RELOAD.toSeconds(), TimeUnit.SECONDS);
            opened.push(reloader::shutdownNow);
        }
    }

    /** Closes on SIGTERM: listeners stop and HBONE peers get GOAWAY. */
    public void closeOnShutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "ambit-waypoint-shutdown"));
    }

    @Override
    public void close() {
        opened.close();
        log.info("event=waypoint_stopped gateway={}", settings.gateway());
    }

    /** The waypoint's config: the kinds it reads, and how. */
    private ConfigSubscription configSubscription() {
        return ConfigSubscription.reading(List.of(MeshService.class, Workload.class, HttpRoute.class,
                TrafficPolicy.class, AuthorizationPolicy.class, RequestAuthentication.class), this::apply);
    }

    private void apply(MeshConfig config) {
        waypoint.update(new WaypointConfig(List.copyOf(config.all(MeshService.class)),
                List.copyOf(config.all(Workload.class)), List.copyOf(config.all(HttpRoute.class)),
                List.copyOf(config.all(TrafficPolicy.class)), List.copyOf(config.all(AuthorizationPolicy.class)),
                List.copyOf(config.all(RequestAuthentication.class)), settings.controlPlane().rootNamespace()));
        configured = true;
    }
}
