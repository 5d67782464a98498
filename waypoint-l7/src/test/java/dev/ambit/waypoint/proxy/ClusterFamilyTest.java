package dev.ambit.waypoint.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ambit.api.model.IpLiteral;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.ServicePort;
import dev.ambit.waypoint.route.ServiceKey;
import dev.ambit.waypoint.upstream.UpstreamHost;
import dev.ambit.waypoint.upstream.UpstreamTarget;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A dual-stack service's endpoints at the waypoint: a request goes on in the family its connection came in. */
class ClusterFamilyTest {

    private static final NamespacedName HELLO = NamespacedName.of("demo", "hello");
    private static final InetSocketAddress VIP4 = new InetSocketAddress(IpLiteral.parse("10.96.0.10"), 8080);
    private static final InetSocketAddress VIP6 = new InetSocketAddress(IpLiteral.parse("fd00:10:96::10"), 8080);

    @Test
    void aRequestToTheServicesIpv6AddressGoesToIpv6EndpointsAndIpv4ToIpv4() {
        Cluster cluster = cluster("10.244.1.11", "fd00:10:244:1::11", "10.244.2.11", "fd00:10:244:2::11");
        assertEquals(addresses("fd00:10:244:1::11", "fd00:10:244:2::11"), picks(cluster, Optional.of(VIP6)));
        assertEquals(addresses("10.244.1.11", "10.244.2.11"), picks(cluster, Optional.of(VIP4)));
        assertEquals(addresses("10.244.1.11", "fd00:10:244:1::11", "10.244.2.11", "fd00:10:244:2::11"),
                picks(cluster, Optional.empty()), "without a known destination, every endpoint");
    }

    @Test
    void aFamilyWithoutEndpointsFallsBackToTheOther() {
        assertEquals(addresses("10.244.1.11"), picks(cluster("10.244.1.11"), Optional.of(VIP6)));
    }

    private static Set<InetAddress> picks(Cluster cluster, Optional<InetSocketAddress> destination) {
        Set<InetAddress> seen = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            seen.add(cluster.pick(0, destination).orElseThrow().target().address().getAddress());
        }
        return seen;
    }

    private static Set<InetAddress> addresses(String... literals) {
        Set<InetAddress> addresses = new HashSet<>();
        for (String literal : literals) {
            addresses.add(IpLiteral.parse(literal));
        }
        return addresses;
    }

    private static Cluster cluster(String... endpoints) {
        ServicePort port = new ServicePort("http", 8080, 8080, Optional.empty());
        MeshService service = new MeshService(HELLO, "hello.demo.svc.cluster.local",
                List.of(VIP4.getAddress(), VIP6.getAddress()), List.of(port), List.of(), Optional.empty(), Map.of());
        List<UpstreamHost> hosts = java.util.Arrays.stream(endpoints)
                .map(ip -> new UpstreamHost(new UpstreamTarget(new InetSocketAddress(IpLiteral.parse(ip), 8080),
                        Optional.empty())))
                .toList();
        return new Cluster(new ServiceKey(HELLO, 8080), service, Optional.empty(), hosts, Optional.empty(),
                new SplittableRandom(1), null);
    }
}
