package dev.ambit.nodeagent.config;

import dev.ambit.api.config.stream.MeshConfig;
import dev.ambit.api.model.policy.AuthorizationPolicy;
import dev.ambit.api.model.policy.PeerAuthentication;
import dev.ambit.api.model.traffic.TrafficPolicy;
import dev.ambit.api.model.workload.DataplaneMode;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.nodeagent.enroll.DesiredPod;
import dev.ambit.nodeagent.redirect.PodMode;
import dev.ambit.ztunnel.config.TunnelConfig;
import java.util.List;

/**
 * What a node's two processes make of the controller's config: the tunnel's view of it, and which of the node's pods
 * the agent steers (which needs the same workload and peer-authentication view).
 */
public final class MeshConfigView {

    /** Pod-level STRICT can be enforced in the kernel; a per-port override is the tunnel's business (:15006). */
    private static final int WORKLOAD_LEVEL = 0;

    private MeshConfigView() {
    }

    public static TunnelConfig tunnelConfig(MeshConfig config, String rootNamespace) {
        return TunnelConfig.builder()
                .rootNamespace(rootNamespace)
                .workloads(config.all(Workload.class))
                .services(config.all(MeshService.class))
                .authorizationPolicies(config.all(AuthorizationPolicy.class))
                .peerAuthentications(config.all(PeerAuthentication.class))
                .trafficPolicies(config.all(TrafficPolicy.class))
                .build();
    }

    public static List<DesiredPod> podsToSteer(TunnelConfig config, String nodeName) {
        return config.workloads().stream()
                .filter(workload -> workload.node().equals(nodeName) && workload.dataplaneMode() == DataplaneMode.AMBIENT)
                .map(workload -> new DesiredPod(workload.uid(), workload.addresses(), workload.identity(),
                        config.peerAuthentication(workload, WORKLOAD_LEVEL) == PeerAuthentication.Mode.STRICT
                                ? PodMode.STRICT : PodMode.PERMISSIVE))
                .toList();
    }
}
