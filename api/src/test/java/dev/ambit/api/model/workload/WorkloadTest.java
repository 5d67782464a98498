package dev.ambit.api.model.workload;

import dev.ambit.api.mesh.MeshPorts;
import static dev.ambit.api.model.ConfigAssertions.assertInvalid;
import static dev.ambit.api.model.ModelFixtures.demo;
import static dev.ambit.api.model.ModelFixtures.ip;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.ModelFixtures;
import dev.ambit.api.model.NamespacedName;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    private static final Workload HELLO = ModelFixtures.workload();

    @Test
    void isNamedByUid() {
        assertEquals(ModelFixtures.WORKLOAD_UID, HELLO.resourceName());
    }

    @Test
    void isAmbientOnItsOwnNodeOnly() {
        Workload notCaptured = new Workload(HELLO.uid(), HELLO.name(), HELLO.identity(), HELLO.node(),
                HELLO.addresses(), DataplaneMode.NONE, Optional.empty(), Optional.empty(), HELLO.labels(),
                HELLO.canonicalName(), HELLO.canonicalRevision(), HELLO.services());

        assertTrue(HELLO.ambientOn("node-1"));
        assertFalse(HELLO.ambientOn("node-2"), "a pod of another node");
        assertFalse(notCaptured.ambientOn("node-1"), "a pod outside the ambient data plane");
    }

    @Test
    void copiesWhatItIsGiven() {
        List<InetAddress> addresses = new ArrayList<>(List.of(ip("10.0.0.1")));
        Map<String, String> labels = new HashMap<>(Map.of("app", "hello"));
        List<NamespacedName> services = new ArrayList<>(List.of(demo("hello")));
        Workload workload = withAddresses(addresses, labels, services);

        addresses.add(ip("10.0.0.2"));
        labels.put("version", "v2");
        services.clear();

        assertEquals(List.of(ip("10.0.0.1")), workload.addresses());
        assertEquals(Map.of("app", "hello"), workload.labels());
        assertEquals(List.of(demo("hello")), workload.services());
        assertThrows(UnsupportedOperationException.class, () -> workload.addresses().add(ip("10.0.0.3")));
        assertThrows(UnsupportedOperationException.class, () -> workload.labels().put("x", "y"));
    }

    @Test
    void treatsNullCollectionsAndOptionalsAsEmpty() {
        Workload workload = new Workload("uid-1", demo("a"), HELLO.identity(), "node-1", null, DataplaneMode.NONE, null,
                null, null, "a", "latest", null);
        assertEquals(List.of(), workload.addresses());
        assertEquals(Optional.empty(), workload.tunnel());
        assertEquals(Map.of(), workload.labels());
    }

    @Test
    void refusesNullElements() {
        List<InetAddress> addresses = new ArrayList<>();
        addresses.add(null);
        assertInvalid("Workload demo/hello-v1: addresses[0]: is required", () -> withAddresses(addresses, Map.of(), List.of()));
    }

    @Test
    void refusesAnIdentityFromAnotherNamespace() {
        assertInvalid("Workload demo/hello-v1: identity: 'spiffe://cluster.local/ns/other/sa/hello' is not in the "
                        + "workload's namespace 'demo'",
                () -> new Workload(HELLO.uid(), HELLO.name(), SpiffeId.of("cluster.local", "other", "hello"), HELLO.node(),
                        HELLO.addresses(), HELLO.dataplaneMode(), HELLO.tunnel(), HELLO.waypoint(), HELLO.labels(),
                        HELLO.canonicalName(), HELLO.canonicalRevision(), HELLO.services()));
    }

    @Test
    void refusesAddressesWithAZone() throws Exception {
        InetAddress scoped = Inet6Address.getByAddress(null, ip("fe80::1").getAddress(), 2);
        assertInvalid("Workload demo/hello-v1: addresses[0]: 'fe80:0:0:0:0:0:0:1%2' has a zone index",
                () -> withAddresses(List.of(scoped), Map.of(), List.of()));
    }

    @Test
    void refusesAnUnresolvedTunnel() {
        assertInvalid("Workload demo/hello-v1: tunnel: 'node-1' is not an IP address",
                () -> new Workload(HELLO.uid(), HELLO.name(), HELLO.identity(), HELLO.node(), HELLO.addresses(),
                        HELLO.dataplaneMode(), Optional.of(InetSocketAddress.createUnresolved("node-1", 15008)),
                        HELLO.waypoint(), HELLO.labels(), HELLO.canonicalName(), HELLO.canonicalRevision(),
                        HELLO.services()));
    }

    @Test
    void refusesASecondTunnelOfTheSameFamily() {
        assertInvalid("Workload demo/hello-v1: otherFamilyTunnel: is in the same address family as tunnel",
                () -> withOtherFamilyTunnel(new InetSocketAddress(ip("172.18.0.9"), MeshPorts.HBONE)));
    }

    @Test
    void carriesAConnectionOverTheTunnelOfItsDestinationsFamily() {
        InetSocketAddress ipv4 = HELLO.tunnel().orElseThrow();
        InetSocketAddress ipv6 = new InetSocketAddress(ip("fd00:18::2"), MeshPorts.HBONE);
        Workload dualStack = withOtherFamilyTunnel(ipv6);
        assertEquals(Optional.of(ipv6), dualStack.tunnelFor(ip("fd00:10:244:1::17")));
        assertEquals(Optional.of(ipv4), dualStack.tunnelFor(ip("10.244.1.17")));
        // A single-stack node's one tunnel carries both families.
        Workload singleStack = withOtherFamilyTunnel(null);
        assertEquals(Optional.of(ipv4), singleStack.tunnelFor(ip("fd00:10:244:1::17")));
        assertEquals(Optional.of(ip("fd00:10:244:1::17")), dualStack.addressInFamilyOf(ip("fd00:10:96::10")));
        assertEquals(Optional.of(ip("10.244.1.17")), dualStack.addressInFamilyOf(ip("10.96.0.10")));
    }

    @Test
    void namesTheWorkloadEvenWithoutAName() {
        assertInvalid("Workload null: name: is required",
                () -> new Workload("uid-1", null, HELLO.identity(), "node-1", List.of(), DataplaneMode.NONE,
                        Optional.empty(), Optional.empty(), Map.of(), "a", "b", List.of()));
    }

    @Test
    void waypointHasExactlyOneDestination() {
        assertEquals(MeshPorts.HBONE, WaypointAddress.address(ip("10.96.0.20")).port());
        assertInvalid("WaypointAddress: hostname: exactly one of hostname and address must be set",
                () -> new WaypointAddress(Optional.of("waypoint.demo"), Optional.of(ip("10.96.0.20")), 15008));
    }

    private static Workload withOtherFamilyTunnel(InetSocketAddress other) {
        return new Workload(HELLO.uid(), HELLO.name(), HELLO.identity(), HELLO.node(),
                List.of(ip("10.244.1.17"), ip("fd00:10:244:1::17")), HELLO.dataplaneMode(), HELLO.tunnel(),
                HELLO.waypoint(), HELLO.labels(), HELLO.canonicalName(), HELLO.canonicalRevision(), HELLO.services(),
                true, Optional.ofNullable(other));
    }

    private static Workload withAddresses(List<InetAddress> addresses, Map<String, String> labels,
            List<NamespacedName> services) {
        return new Workload(HELLO.uid(), HELLO.name(), HELLO.identity(), HELLO.node(), addresses, HELLO.dataplaneMode(),
                HELLO.tunnel(), HELLO.waypoint(), labels, HELLO.canonicalName(), HELLO.canonicalRevision(), services);
    }
}
