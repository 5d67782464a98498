package dev.ambit.nodeagent.agent;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.api.config.v1.ClientInfo;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.nodeagent.cni.AmbientNamespacesFile;
import dev.ambit.nodeagent.cni.CniServer;
import dev.ambit.nodeagent.cni.PodAdmission;
import dev.ambit.nodeagent.config.MeshConfigView;
import dev.ambit.nodeagent.enroll.PodCgroupLocator;
import dev.ambit.nodeagent.enroll.PodCgroupWatch;
import dev.ambit.nodeagent.enroll.PodReconciler;
import dev.ambit.host.Bpffs;
import dev.ambit.host.Cgroup2;
import dev.ambit.host.MountTable;
import dev.ambit.nodeagent.redirect.BpfRedirector;
import dev.ambit.nodeagent.redirect.RedirectorConfig;
import dev.ambit.ztunnel.config.TunnelConfig;
import dev.ambit.runtime.lifecycle.ResourceStack;
import dev.ambit.runtime.http.ReadinessServer;
import dev.ambit.runtime.startup.MeshStartup;
import dev.ambit.runtime.startup.ProcessIdentity;
import dev.ambit.runtime.startup.StartupTime;
import dev.ambit.runtime.transport.Listener;
import dev.ambit.runtime.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's agent: loads (or adopts) the eBPF steering, gets its own identity from the CA, follows the controller's
 * config stream, and keeps the kernel's enrolled pods in step with it. The node's tunnel is another process
 * ({@code node-agent tunnel}) that reads the pinned maps, so this one can crash or restart under live traffic.
 *
 * <p>Stopping it leaves the steering pinned: pods keep their redirection across an agent restart, and the next agent
 * adopts it (the same maps, the same links). {@code node-agent uninstall} is what removes it.
 */
public final class NodeAgent implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);
    /** The kubelet creates a pod's cgroup after the pod is in config: look again this often. */
    private static final Duration RECONCILE_PERIOD = Duration.ofSeconds(2);
    public static final String IDENTITY_SERVICE_ACCOUNT = "ambit-node-agent";
    public static final int HEALTH_PORT = 15022;

    private final NodeAgentSettings settings;
    private final ResourceStack opened;
    private final PodReconciler reconciler;
    private final ScheduledExecutorService scheduler;
    private final PodAdmission admission;
    private volatile TunnelConfig current = TunnelConfig.EMPTY;
    private volatile boolean configured;
    private Listener health;

    private NodeAgent(NodeAgentSettings settings, ResourceStack opened, PodReconciler reconciler,
            ScheduledExecutorService scheduler, PodAdmission admission) {
        this.settings = settings;
        this.opened = opened;
        this.reconciler = reconciler;
        this.scheduler = scheduler;
        this.admission = admission;
    }

    /** Starts everything, or closes what it opened and throws with the reason. */
    public static NodeAgent start(NodeAgentSettings settings) {
        return ResourceStack.openAll(opened -> start(settings, opened, Clock.systemUTC()));
    }

    private static NodeAgent start(NodeAgentSettings settings, ResourceStack opened, Clock clock) {
        MountTable mounts = MountTable.read();
        Bpffs.ensureMounted(Bpffs.DEFAULT_MOUNT_POINT, mounts);
        Path cgroupRoot = Cgroup2.root(mounts);
        Path podsCgroup = settings.podsCgroup().orElseGet(() -> Cgroup2.kubeletPodsCgroup(cgroupRoot));
        NodeIps node = settings.nodeIps();
        BpfRedirector redirector = opened.push(BpfRedirector.start(new RedirectorConfig(settings.pinRoot(), podsCgroup,
                cgroupRoot, at(node.ipv4(), MeshPorts.OUTBOUND), at(node.ipv6(), MeshPorts.OUTBOUND),
                settings.socketFastPath(),
                settings.dnsCapture() ? at(node.ipv4(), MeshPorts.DNS) : null,
                settings.dnsCapture() ? at(node.ipv6(), MeshPorts.DNS) : null)));

        MeshStartup startup = MeshStartup.connect(settings.controlPlane(), opened, clock);
        SpiffeId identity = startup.identity(settings.controlPlane().rootNamespace(), IDENTITY_SERVICE_ACCOUNT);
        // The agent's own certificate, for the config stream only: it never speaks HBONE, so no TLS contexts.
        ProcessIdentity issued = startup.awaitIdentity(identity, startup.certificatesForController());

        PodCgroupLocator locator = new PodCgroupLocator(podsCgroup);
        PodReconciler reconciler = new PodReconciler(redirector.enroller(), locator);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ambit-agent-reconcile");
            thread.setDaemon(true);
            return thread;
        });
        opened.push(scheduler, ScheduledExecutorService::shutdownNow);
        NodeAgentSettings.CniSettings cni = settings.cni();
        PodAdmission admission = new PodAdmission(settings.nodeName(), reconciler, locator, scheduler, cni.maxWait(),
                cni.ambientNamespacesFile().<Consumer<Set<String>>>map(AmbientNamespacesFile::new).orElse(namespaces -> { }));
        NodeAgent agent = new NodeAgent(settings, opened, reconciler, scheduler, admission);
        // Bound before the config stream starts: a request before the first config waits for it.
        cni.socket().ifPresent(socket -> opened.push(CniServer.bind(socket, admission)));
        agent.health = opened.push(healthEndpoint(settings.health(), agent, opened));
        startup.followConfig(issued, ClientInfo.newBuilder()
                .setId(settings.nodeName() + "/agent/" + UUID.randomUUID())
                .setKind(ClientInfo.Kind.NODE_AGENT)
                .setNodeName(settings.nodeName())
                .build(), MeshConfigView.steering(settings.controlPlane().rootNamespace(), agent::apply));
        watchPodCgroups(podsCgroup, agent, scheduler, opened);
        scheduler.scheduleWithFixedDelay(agent::reconcileOnceConfigured, RECONCILE_PERIOD.toMillis(),
                RECONCILE_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        log.info("event=node_agent_started node={} node_ips={} pods_cgroup={} pin_root={} controller={} ca={} health={}"
                        + " startup_ms={}", settings.nodeName(), settings.nodeIps(), podsCgroup, settings.pinRoot(),
                settings.controlPlane().controller(), settings.controlPlane().ca(), agent.health.address(),
                StartupTime.millis());
        return agent;
    }

    /**
     * {@code GET /healthz/ready} on the health port: ready once the first config is applied to the kernel. One small
     * event loop; it shares the port with a predecessor (SO_REUSEPORT) like the tunnel does.
     */
    private static Listener healthEndpoint(InetSocketAddress address, NodeAgent agent, ResourceStack opened) {
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newEventLoopGroup(1, "ambit-agent-health");
        opened.push(() -> group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
        return ReadinessServer.bind(transport, group, address, agent::ready);
    }

    /**
     * A pass as soon as a cgroup appears under the pods cgroup (one queued at a time), so a pod that skipped the CNI
     * plugin waits for no tick; without the watch, the periodic pass alone finds it.
     */
    private static void watchPodCgroups(Path podsCgroup, NodeAgent agent, ScheduledExecutorService scheduler,
            ResourceStack opened) {
        AtomicBoolean passQueued = new AtomicBoolean();
        try {
            opened.push(PodCgroupWatch.start(podsCgroup, () -> {
                if (passQueued.compareAndSet(false, true)) {
                    scheduler.execute(() -> {
                        passQueued.set(false);
                        agent.reconcileOnceConfigured();
                    });
                }
            }));
        } catch (UncheckedIOException e) {
            log.warn("event=pod_cgroup_watch_unavailable pods_cgroup={} error=\"{}\" fallback=periodic_pass",
                    podsCgroup, e.getMessage());
        }
    }

    /** Closes on SIGTERM, leaving the steering pinned. */
    public void closeOnShutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "ambit-agent-shutdown"));
    }

    /** Ready once the controller's config has been applied to the kernel's enrollments at least once. */
    public boolean ready() {
        return configured;
    }

    public InetSocketAddress healthAddress() {
        return health.address();
    }

    @Override
    public void close() {
        opened.close();
        log.info("event=node_agent_stopped node={} steering=kept_pinned", settings.nodeName());
    }

    /** A new config from the controller, applied to the kernel's enrollments. Rejects by throwing. */
    private void apply(TunnelConfig config) {
        current = config;
        scheduler.execute(() -> {
            admission.configChanged(config);
            reconcilePods();
            configured = true;
        });
    }

    /**
     * A pass outside a config change (the tick, a new cgroup). Before the first config there is nothing to compare
     * with: an empty config would take out every enrollment a predecessor pinned.
     */
    private void reconcileOnceConfigured() {
        if (configured) {
            reconcilePods();
        }
    }

    private void reconcilePods() {
        try {
            PodReconciler.Result result = reconciler.reconcile(
                    admission.withCniAddresses(MeshConfigView.podsToSteer(current, settings.nodeName())));
            if (result.enrolled() + result.updated() + result.removed() > 0) {
                log.info("event=pods_reconciled enrolled={} updated={} removed={} pending={}", result.enrolled(),
                        result.updated(), result.removed(), result.pending());
            }
        } catch (RuntimeException e) {
            // The next pass retries; a failing pass must not end the periodic schedule.
            log.warn("event=pods_reconcile_failed error=\"{}\"", e.getMessage());
        }
    }

    /** The redirect target on the node's address of one family, or null (that family not steered) without one. */
    private static InetSocketAddress at(Optional<? extends InetAddress> address, int port) {
        return address.map(ip -> new InetSocketAddress(ip, port)).orElse(null);
    }
}
