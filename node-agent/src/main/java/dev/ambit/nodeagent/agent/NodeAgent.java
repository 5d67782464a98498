package dev.ambit.nodeagent.agent;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.config.stream.ConfigStreamClient;
import dev.ambit.api.config.stream.MeshConfig;
import dev.ambit.api.config.v1.ClientInfo;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.nodeagent.enroll.PodCgroupLocator;
import dev.ambit.nodeagent.enroll.PodReconciler;
import dev.ambit.nodeagent.host.Bpffs;
import dev.ambit.nodeagent.host.Cgroup2;
import dev.ambit.nodeagent.host.MountTable;
import dev.ambit.nodeagent.metrics.BpfMetrics;
import dev.ambit.nodeagent.metrics.ConfigStreamMetrics;
import dev.ambit.nodeagent.redirect.BpfRedirector;
import dev.ambit.nodeagent.redirect.RedirectorConfig;
import dev.ambit.ztunnel.Ztunnel;
import dev.ambit.ztunnel.ZtunnelOptions;
import dev.ambit.ztunnel.config.TunnelConfig;
import dev.ambit.ztunnel.controlplane.ControlPlane;
import dev.ambit.ztunnel.controlplane.IdentityBootstrap;
import dev.ambit.ztunnel.lifecycle.ResourceStack;
import dev.ambit.ztunnel.transport.Transport;
import io.grpc.ManagedChannel;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's agent: loads (or adopts) the eBPF steering, runs the node tunnel in this JVM, gets its own identity
 * from the CA, follows the controller's config stream, and keeps the kernel's enrolled pods in step with it.
 *
 * <p>Stopping it drains the tunnel but leaves the steering pinned: pods keep their redirection across an agent
 * restart, and the next agent adopts it. {@code node-agent uninstall} is what removes it.
 */
public final class NodeAgent implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);
    private static final List<ResourceType> CONFIG_KINDS = List.of(ResourceType.WORKLOAD, ResourceType.SERVICE,
            ResourceType.AUTHORIZATION_POLICY, ResourceType.PEER_AUTHENTICATION, ResourceType.TRAFFIC_POLICY);
    /** The kubelet creates a pod's cgroup after the pod is in config: look again this often. */
    private static final Duration RECONCILE_PERIOD = Duration.ofSeconds(2);
    private static final Duration IDENTITY_DEADLINE = Duration.ofSeconds(60);
    public static final String IDENTITY_SERVICE_ACCOUNT = "ambit-node-agent";

    private final NodeAgentSettings settings;
    private final ResourceStack opened;
    private final Ztunnel tunnel;
    private final PodReconciler reconciler;
    private final ConfigStreamClient configStream;
    private final ScheduledExecutorService scheduler;
    private volatile TunnelConfig current = TunnelConfig.EMPTY;

    private NodeAgent(NodeAgentSettings settings, ResourceStack opened, Ztunnel tunnel, PodReconciler reconciler,
            ConfigStreamClient configStream, ScheduledExecutorService scheduler) {
        this.settings = settings;
        this.opened = opened;
        this.tunnel = tunnel;
        this.reconciler = reconciler;
        this.configStream = configStream;
        this.scheduler = scheduler;
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
        BpfRedirector redirector = opened.push(BpfRedirector.start(new RedirectorConfig(settings.pinRoot(), podsCgroup,
                cgroupRoot, new InetSocketAddress(settings.nodeIp(), ZtunnelOptions.OUTBOUND_PORT), null,
                settings.socketFastPath())));

        ControlPlane controlPlane = ControlPlane.open(settings.controlPlane(), opened, clock);

        PrometheusRegistry registry = new PrometheusRegistry();
        BpfMetrics.register(registry, redirector);
        Ztunnel tunnel = opened.push(Ztunnel.start(
                ZtunnelOptions.defaults(settings.nodeName(), settings.listenAddress())
                        .withDrainDeadline(settings.drainDeadline()),
                Transport.best(),
                controlPlane.certificateAuthority(),
                controlPlane.trustBundle(),
                (client, listener) -> redirector.originalDestinations().lookup(client),
                registry, clock));

        SpiffeId agentIdentity = controlPlane.identity(settings.controlPlane().rootNamespace(),
                IDENTITY_SERVICE_ACCOUNT);
        IdentityBootstrap.await(tunnel.certificates(), agentIdentity, IDENTITY_DEADLINE);
        ManagedChannel configChannel = controlPlane.configChannel(() -> tunnel.certificates().certificate(agentIdentity));

        PodReconciler reconciler = new PodReconciler(redirector.enroller(), new PodCgroupLocator(podsCgroup));
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ambit-agent-reconcile");
            thread.setDaemon(true);
            return thread;
        });
        opened.push(scheduler, ScheduledExecutorService::shutdownNow);
        ClientInfo client = ClientInfo.newBuilder()
                .setId(settings.nodeName() + "/" + UUID.randomUUID())
                .setKind(ClientInfo.Kind.NODE_AGENT)
                .setNodeName(settings.nodeName())
                .build();
        NodeAgent[] agent = new NodeAgent[1];
        ConfigStreamClient configStream = opened.push(new ConfigStreamClient(configChannel, client, CONFIG_KINDS,
                config -> agent[0].apply(config)));
        ConfigStreamMetrics.register(registry, configStream);
        agent[0] = new NodeAgent(settings, opened, tunnel, reconciler, configStream, scheduler);
        configStream.start();
        scheduler.scheduleWithFixedDelay(agent[0]::reconcilePods, RECONCILE_PERIOD.toMillis(),
                RECONCILE_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        log.info("event=node_agent_started node={} node_ip={} pods_cgroup={} pin_root={} controller={} ca={}",
                settings.nodeName(), settings.nodeIp().getHostAddress(), podsCgroup, settings.pinRoot(),
                settings.controlPlane().controller(), settings.controlPlane().ca());
        return agent[0];
    }

    /** Drains the tunnel when the JVM is asked to stop (SIGTERM), leaving the steering pinned. */
    public void closeOnShutdown() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            tunnel.drain(settings.drainDeadline());
            close();
        }, "ambit-agent-shutdown"));
    }

    public Ztunnel tunnel() {
        return tunnel;
    }

    @Override
    public void close() {
        opened.close();
        log.info("event=node_agent_stopped node={} steering=kept_pinned", settings.nodeName());
    }

    /** A new config from the controller: the tunnel's view first, then the kernel's. Rejects by throwing. */
    private void apply(MeshConfig config) {
        TunnelConfig next = MeshConfigView.tunnelConfig(config, settings.controlPlane().rootNamespace());
        tunnel.updateConfig(next);
        current = next;
        scheduler.execute(this::reconcilePods);
    }

    private void reconcilePods() {
        try {
            PodReconciler.Result result = reconciler.reconcile(MeshConfigView.podsToSteer(current, settings.nodeName()));
            if (result.enrolled() + result.updated() + result.removed() > 0) {
                log.info("event=pods_reconciled enrolled={} updated={} removed={} pending={}", result.enrolled(),
                        result.updated(), result.removed(), result.pending());
            }
        } catch (RuntimeException e) {
            // The next pass retries; a failing pass must not end the periodic schedule.
            log.warn("event=pods_reconcile_failed error=\"{}\"", e.getMessage());
        }
    }
}
