package dev.ambit.ztunnel.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.traffic.LoadBalancerAlgorithm;
import dev.ambit.api.model.workload.Endpoint;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.ServicePort;
import dev.ambit.ztunnel.testing.Workloads;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the tunnel picks a service endpoint per connection, and what it does when the original lookup fails. */
class EndpointChoiceTest {

    private static Endpoint endpoint(int last) {
        return new Endpoint("uid-" + last, Workloads.loopback(last), Map.of());
    }

    private static MeshService service(String name, Endpoint... endpoints) {
        return new MeshService(NamespacedName.of("demo", name), name + ".demo.svc.cluster.local", List.of(),
                List.of(new ServicePort("", 80, 8080, Optional.empty())), List.of(endpoints), Optional.empty(),
                Map.of());
    }

    /** The VIP every pick below is for: an IPv4 one, as the loopback endpoints are. */
    private static final InetAddress VIP = Workloads.loopback(100);

    private static InetAddress picked(EndpointPicker picker, MeshService service, LoadBalancerAlgorithm algorithm) {
        return picker.pick(service, algorithm, VIP).orElseThrow().address();
    }

    @Test
    void aServiceWithoutEndpointsHasNoPick() {
        for (LoadBalancerAlgorithm algorithm : LoadBalancerAlgorithm.values()) {
            assertEquals(Optional.empty(), new EndpointPicker().pick(service("empty"), algorithm, VIP));
        }
    }

    @Test
    void roundRobinKeepsOneTurnPerService() {
        EndpointPicker picker = new EndpointPicker();
        MeshService a = service("a", endpoint(11), endpoint(12), endpoint(13));
        MeshService b = service("b", endpoint(21), endpoint(22));
        List<InetAddress> picks = new ArrayList<>();
        picks.add(picked(picker, a, LoadBalancerAlgorithm.ROUND_ROBIN));
        picks.add(picked(picker, b, LoadBalancerAlgorithm.ROUND_ROBIN));
        picks.add(picked(picker, a, LoadBalancerAlgorithm.ROUND_ROBIN));
        picks.add(picked(picker, a, LoadBalancerAlgorithm.ROUND_ROBIN));
        picks.add(picked(picker, a, LoadBalancerAlgorithm.ROUND_ROBIN));
        picks.add(picked(picker, b, LoadBalancerAlgorithm.ROUND_ROBIN));
        assertEquals(List.of(Workloads.loopback(11), Workloads.loopback(21), Workloads.loopback(12),
                Workloads.loopback(13), Workloads.loopback(11), Workloads.loopback(22)), picks);
    }

    @Test
    void randomReachesEveryEndpoint() {
        EndpointPicker picker = new EndpointPicker();
        MeshService service = service("r", endpoint(11), endpoint(12), endpoint(13));
        Set<InetAddress> seen = new HashSet<>();
        for (int i = 0; i < 300 && seen.size() < 3; i++) {
            seen.add(picked(picker, service, LoadBalancerAlgorithm.RANDOM));
        }
        assertEquals(3, seen.size());
    }

    @Test
    void leastRequestAvoidsTheEndpointWithMoreOpenConnections() {
        for (LoadBalancerAlgorithm algorithm : List.of(LoadBalancerAlgorithm.LEAST_REQUEST,
                LoadBalancerAlgorithm.EWMA)) {
            EndpointPicker picker = new EndpointPicker();
            MeshService service = service("l", endpoint(11), endpoint(12));
            picker.connectionOpened(Workloads.loopback(11));
            Set<InetAddress> seen = new HashSet<>();
            // The busy endpoint only wins when both random draws land on it.
            int idle = 0;
            for (int i = 0; i < 400; i++) {
                InetAddress address = picked(picker, service, algorithm);
                seen.add(address);
                idle += address.equals(Workloads.loopback(12)) ? 1 : 0;
            }
            assertTrue(idle > 250, algorithm + ": the idle endpoint got " + idle + " of 400");
            assertEquals(2, seen.size(), algorithm + ": both endpoints are still drawn");
        }
    }

    @Test
    void aClosedConnectionNoLongerCounts() {
        EndpointPicker picker = new EndpointPicker();
        MeshService service = service("c", endpoint(11), endpoint(12));
        Runnable first = picker.connectionOpened(Workloads.loopback(11));
        Runnable second = picker.connectionOpened(Workloads.loopback(11));
        first.run();
        int idle = 0;
        for (int i = 0; i < 400; i++) {
            idle += picked(picker, service, LoadBalancerAlgorithm.LEAST_REQUEST).equals(Workloads.loopback(12)) ? 1 : 0;
        }
        assertTrue(idle > 250, "one connection is still open: the idle endpoint got " + idle);
        second.run();
        picker.connectionOpened(Workloads.loopback(12));
        int other = 0;
        for (int i = 0; i < 400; i++) {
            other += picked(picker, service, LoadBalancerAlgorithm.LEAST_REQUEST).equals(Workloads.loopback(11)) ? 1 : 0;
        }
        assertTrue(other > 250, "all closed on .11: it is the idle one now, got " + other);
    }

    @Test
    void aConnectionKeepsItsAddressFamilyWhenTheServiceHasEndpointsInIt() throws Exception {
        InetAddress ipv6Vip = InetAddress.getByName("fd00:10:96::10");
        Endpoint v4 = endpoint(11);
        Endpoint v6 = new Endpoint("uid-11", InetAddress.getByName("fd00:10:244:1::11"), Map.of());
        Endpoint otherV6 = new Endpoint("uid-12", InetAddress.getByName("fd00:10:244:1::12"), Map.of());
        MeshService dualStack = service("d", v4, v6, otherV6);
        for (LoadBalancerAlgorithm algorithm : LoadBalancerAlgorithm.values()) {
            EndpointPicker picker = new EndpointPicker();
            for (int i = 0; i < 20; i++) {
                assertEquals(v4.address(), picked(picker, dualStack, algorithm), algorithm + ", IPv4 VIP");
                assertTrue(picker.pick(dualStack, algorithm, ipv6Vip).orElseThrow().address()
                        instanceof java.net.Inet6Address, algorithm + ", IPv6 VIP");
            }
            // A service with endpoints in one family only still answers the other.
            assertEquals(v4.address(), picker.pick(service("v4", v4), algorithm, ipv6Vip).orElseThrow().address());
        }
    }

    @Test
    void aFailingLookupCountsAsNotRedirected() {
        InetSocketAddress client = new InetSocketAddress(Workloads.loopback(4), 40000);
        InetSocketAddress listener = new InetSocketAddress(Workloads.loopback(1), 15001);
        InetSocketAddress original = new InetSocketAddress(Workloads.loopback(11), 80);
        assertEquals(Optional.of(original), new GuardedLookup((c, l) -> Optional.of(original))
                .originalDestination(client, listener));
        assertEquals(Optional.empty(), new GuardedLookup((c, l) -> {
            throw new IllegalStateException("map busy");
        }).originalDestination(client, listener));
    }
}
