package dev.ambit.nodeagent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.config.stream.MeshConfig;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.workload.DataplaneMode;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.nodeagent.enroll.DesiredPod;
import dev.ambit.nodeagent.redirect.PodMode;
import dev.ambit.runtime.startup.ConfigSubscription;
import dev.ambit.ztunnel.config.TunnelConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Each process's subscription reads only what it subscribes to: applied to a config that holds every kind, it
 * would fail (as the stream's NACK would) on any kind it reads without subscribing.
 */
class MeshConfigViewTest {

    private static final Workload HERE = workload("uid-here", "node-a", DataplaneMode.AMBIENT, "10.1.0.1");
    private static final Workload ELSEWHERE = workload("uid-elsewhere", "node-b", DataplaneMode.AMBIENT, "10.1.0.2");
    private static final Workload NOT_CAPTURED = workload("uid-none", "node-a", DataplaneMode.NONE, "10.1.0.3");
    private static final MeshConfig CONFIG = MeshConfig.of(List.of(HERE, ELSEWHERE, NOT_CAPTURED));

    @Test
    void steeringSubscribesToWorkloadsAndPeerAuthenticationsAndReadsNothingElse() {
        AtomicReference<TunnelConfig> applied = new AtomicReference<>();
        ConfigSubscription steering = MeshConfigView.steering("ambit-system", applied::set);

        assertEquals(List.of(ResourceType.WORKLOAD, ResourceType.PEER_AUTHENTICATION), steering.kinds());
        steering.apply(CONFIG);
        assertEquals(3, applied.get().workloads().size());
    }

    @Test
    void theTunnelSubscribesToWhatItReads() {
        AtomicReference<TunnelConfig> applied = new AtomicReference<>();
        ConfigSubscription tunnel = MeshConfigView.tunnel("ambit-system", applied::set);

        assertEquals(List.of(ResourceType.WORKLOAD, ResourceType.SERVICE, ResourceType.AUTHORIZATION_POLICY,
                ResourceType.PEER_AUTHENTICATION, ResourceType.TRAFFIC_POLICY), tunnel.kinds());
        tunnel.apply(CONFIG);
        assertEquals(3, applied.get().workloads().size());
    }

    @Test
    void onlyTheNodesAmbientPodsAreSteered() {
        AtomicReference<TunnelConfig> applied = new AtomicReference<>();
        MeshConfigView.steering("ambit-system", applied::set).apply(CONFIG);

        List<DesiredPod> pods = MeshConfigView.podsToSteer(applied.get(), "node-a");

        assertEquals(List.of(new DesiredPod(HERE.uid(), HERE.addresses(), HERE.identity(), PodMode.PERMISSIVE)), pods);
    }

    @Test
    void aPodWhoseDnsIsNotCapturedIsEnrolledWithCaptureOff() {
        Workload ownResolver = workload("uid-own-resolver", "node-a", DataplaneMode.AMBIENT, "10.1.0.4");
        Workload notCaptured = new Workload(ownResolver.uid(), ownResolver.name(), ownResolver.identity(),
                ownResolver.node(), ownResolver.addresses(), ownResolver.dataplaneMode(), ownResolver.tunnel(),
                ownResolver.waypoint(), ownResolver.labels(), ownResolver.canonicalName(),
                ownResolver.canonicalRevision(), ownResolver.services(), false);
        AtomicReference<TunnelConfig> applied = new AtomicReference<>();
        MeshConfigView.steering("ambit-system", applied::set).apply(MeshConfig.of(List.of(HERE, notCaptured)));

        List<DesiredPod> pods = MeshConfigView.podsToSteer(applied.get(), "node-a");

        assertEquals(Map.of(HERE.uid(), true, notCaptured.uid(), false),
                pods.stream().collect(Collectors.toMap(DesiredPod::uid, DesiredPod::dnsCapture)));
    }

    private static Workload workload(String uid, String node, DataplaneMode mode, String ip) {
        try {
            return new Workload(uid, NamespacedName.of("demo", uid), SpiffeId.of("cluster.local", "demo", "hello"),
                    node, List.of(InetAddress.getByName(ip)), mode,
                    mode == DataplaneMode.AMBIENT
                            ? Optional.of(new InetSocketAddress(InetAddress.getByName("172.18.0.2"), 15008))
                            : Optional.empty(),
                    Optional.empty(), Map.of(), "hello", "v1", List.of());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
