package dev.ambit.nodeagent.config;

import dev.ambit.api.model.policy.AuthorizationPolicy;
import dev.ambit.api.model.policy.PeerAuthentication;
import dev.ambit.api.model.traffic.TrafficPolicy;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.nodeagent.enroll.DesiredPod;
import dev.ambit.nodeagent.redirect.PodMode;
import dev.ambit.runtime.startup.ConfigSubscription;
import dev.ambit.ztunnel.config.TunnelConfig;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a node's two processes make of the controller's config: the tunnel's view of it, and which of the node's pods
 * the agent steers (which needs the workloads and peer authentications of that view). Each subscription names the
 * kinds it reads beside the code that reads them.
 */
public final class MeshConfigView {

    /** Pod-level STRICT can be enforced in the kernel; a per-port override is the tunnel's business (:15006). */
    private static final int WORKLOAD_LEVEL = 0;

    private MeshConfigView() {
    }

    /** The tunnel's config: workloads, services and the policies that apply to them. */
    public static ConfigSubscription tunnel(String rootNamespace, Consumer<TunnelConfig> apply) {
        return ConfigSubscription.reading(List.of(Workload.class, MeshService.class, AuthorizationPolicy.class,
                PeerAuthentication.class, TrafficPolicy.class), config -> apply.accept(TunnelConfig.builder()
                        .rootNamespace(rootNamespace)
                        .workloads(config.all(Workload.class))
                        .services(config.all(MeshService.class))
                        .authorizationPolicies(config.all(AuthorizationPolicy.class))
                        .peerAuthentications(config.all(PeerAuthentication.class))
                        .trafficPolicies(config.all(TrafficPolicy.class))
                        .build()));
    }

    /** What steering needs ({@link #podsToSteer}): the workloads, and the peer authentications that make one STRICT. */
    public static ConfigSubscription steering(String rootNamespace, Consumer<TunnelConfig> apply) {
        return ConfigSubscription.reading(List.of(Workload.class, PeerAuthentication.class),
                config -> apply.accept(TunnelConfig.builder()
                        .rootNamespace(rootNamespace)
                        .workloads(config.all(Workload.class))
                        .peerAuthentications(config.all(PeerAuthentication.class))
                        .build()));
    }

    public static List<DesiredPod> podsToSteer(TunnelConfig config, String nodeName) {
        return config.workloads().stream()
                .filter(workload -> workload.ambientOn(nodeName))
                .map(workload -> new DesiredPod(workload.uid(), workload.addresses(), workload.identity(),
                        config.peerAuthentication(workload, WORKLOAD_LEVEL) == PeerAuthentication.Mode.STRICT
                                ? PodMode.STRICT : PodMode.PERMISSIVE, workload.dnsCapture()))
                .toList();
    }
}
