package dev.ambit.ztunnel.config;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.policy.PeerAuthentication;
import dev.ambit.api.model.policy.PeerAuthentication.Mode;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.ztunnel.testing.Workloads;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TunnelConfigTest {

    private static final Workload DB = Workloads.ambient("data", "db", "node-b", Workloads.loopback(3),
            new InetSocketAddress(Workloads.loopback(2), 15008));

    @Test
    void plaintextIsPermittedWithoutPolicy() {
        assertEquals(Mode.PERMISSIVE, TunnelConfig.EMPTY.peerAuthentication(DB, 5432));
    }

    @Test
    void theMostSpecificPeerAuthenticationWins() {
        TunnelConfig config = TunnelConfig.builder().workloads(List.of(DB)).peerAuthentications(List.of(
                policy("ambit-system", "mesh", Map.of(), Mode.STRICT, Map.of()),
                policy("data", "namespace", Map.of(), Mode.PERMISSIVE, Map.of()),
                policy("data", "db", Map.of("app", "db"), Mode.UNSET, Map.of(9090, Mode.STRICT)))).build();
        assertEquals(Mode.PERMISSIVE, config.peerAuthentication(DB, 5432), "namespace over mesh; UNSET defers");
        assertEquals(Mode.STRICT, config.peerAuthentication(DB, 9090), "port of the workload policy");
    }

    @Test
    void theRootNamespaceSetsTheMeshDefault() {
        TunnelConfig config = TunnelConfig.builder().workloads(List.of(DB)).peerAuthentications(List.of(
                policy("ambit-system", "mesh", Map.of(), Mode.STRICT, Map.of()))).build();
        assertEquals(Mode.STRICT, config.peerAuthentication(DB, 5432));
    }

    private static PeerAuthentication policy(String namespace, String name, Map<String, String> selector, Mode mode,
            Map<Integer, Mode> ports) {
        return new PeerAuthentication(NamespacedName.of(namespace, name), selector, mode, ports);
    }
}
