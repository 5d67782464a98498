package dev.ambit.ztunnel.outbound;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.workload.Endpoint;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.ServicePort;
import dev.ambit.api.model.workload.WaypointAddress;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.ztunnel.config.TunnelConfig;
import dev.ambit.runtime.transport.FailureReason;
import dev.ambit.ztunnel.testing.Workloads;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

class OutboundResolverTest {

    private static final InetSocketAddress TUNNEL_B = new InetSocketAddress(Workloads.loopback(2), 15008);
    private static final InetAddress VIP = Workloads.loopback(100);
    private static final Workload CLIENT = Workloads.ambient("demo", "client", "node-a", Workloads.loopback(4),
            new InetSocketAddress(Workloads.loopback(1), 15008));
    private static final Workload ECHO_1 =
            Workloads.ambient("demo", "echo-1", "node-b", Workloads.loopback(11), TUNNEL_B);
    private static final Workload ECHO_2 =
            Workloads.ambient("demo", "echo-2", "node-b", Workloads.loopback(12), TUNNEL_B);
    private static final Workload LEGACY = Workloads.outsideMesh("demo", "legacy", "node-b", Workloads.loopback(13));
    private static final Workload WAYPOINT = Workloads.ambient("demo", "waypoint", "node-b", Workloads.loopback(20),
            TUNNEL_B);
    private static final InetSocketAddress CLIENT_SOCKET = new InetSocketAddress(Workloads.loopback(4), 40000);

    private final OutboundResolver resolver = new OutboundResolver(new EndpointPicker());

    @Test
    void serviceVipIsBalancedRoundRobinOverItsEndpointsAndTargetPorts() {
        TunnelConfig config = config(service(Optional.empty(), endpoint(ECHO_1, 8080), endpoint(ECHO_2, 9090)));
        OutboundRoute.Tunnel first = tunnel(resolver.resolve(CLIENT_SOCKET, new InetSocketAddress(VIP, 80), config));
        OutboundRoute.Tunnel second = tunnel(resolver.resolve(CLIENT_SOCKET, new InetSocketAddress(VIP, 80), config));
        assertEquals(new InetSocketAddress(Workloads.loopback(11), 8080), first.target());
        assertEquals(new InetSocketAddress(Workloads.loopback(12), 9090), second.target());
        assertEquals(ECHO_1.identity(), first.key().expectedIdentity());
        assertEquals(CLIENT.identity(), first.key().source());
        assertEquals(TUNNEL_B, first.key().destination());
    }

    @Test
    void workloadAddressGoesThroughItsNodeTunnel() {
        InetSocketAddress target = new InetSocketAddress(Workloads.loopback(11), 7000);
        OutboundRoute.Tunnel route = tunnel(resolver.resolve(CLIENT_SOCKET, target, config(service(Optional.empty()))));
        assertEquals(target, route.target());
        assertEquals(Optional.of(ECHO_1), route.destination());
    }

    @Test
    void destinationsOutsideTheMeshArePassedThrough() {
        InetSocketAddress legacy = new InetSocketAddress(Workloads.loopback(13), 80);
        assertEquals(legacy, assertInstanceOf(OutboundRoute.Passthrough.class,
                resolver.resolve(CLIENT_SOCKET, legacy, config(service(Optional.empty())))).address());
        InetSocketAddress internet = new InetSocketAddress(Workloads.loopback(200), 443);
        assertEquals(internet, assertInstanceOf(OutboundRoute.Passthrough.class,
                resolver.resolve(CLIENT_SOCKET, internet, config(service(Optional.empty())))).address());
    }

    @Test
    void serviceWithWaypointGoesToTheWaypointWithTheOriginalDestination() {
        TunnelConfig config = config(service(Optional.of(WaypointAddress.address(Workloads.loopback(20))),
                endpoint(ECHO_1, 80)));
        InetSocketAddress original = new InetSocketAddress(VIP, 80);
        OutboundRoute.Tunnel route = tunnel(resolver.resolve(CLIENT_SOCKET, original, config));
        assertEquals(original, route.target());
        assertEquals(new InetSocketAddress(Workloads.loopback(20), 15008), route.key().destination());
        assertEquals(WAYPOINT.identity(), route.key().expectedIdentity());
        // The waypoint's own traffic to the service goes to an endpoint.
        InetSocketAddress fromWaypoint = new InetSocketAddress(Workloads.loopback(20), 40000);
        assertEquals(ECHO_1.identity(),
                tunnel(resolver.resolve(fromWaypoint, original, config)).key().expectedIdentity());
    }

    @Test
    void unknownSourceAndEmptyServicesAreRefused() {
        InetSocketAddress stranger = new InetSocketAddress(Workloads.loopback(99), 40000);
        assertEquals(FailureReason.UNKNOWN_SOURCE, assertInstanceOf(OutboundRoute.Refused.class,
                resolver.resolve(stranger, new InetSocketAddress(Workloads.loopback(11), 80),
                        config(service(Optional.empty())))).reason());
        assertEquals(FailureReason.UNKNOWN_DESTINATION, assertInstanceOf(OutboundRoute.Refused.class,
                resolver.resolve(CLIENT_SOCKET, new InetSocketAddress(VIP, 80), config(service(Optional.empty()))))
                .reason());
    }

    private static OutboundRoute.Tunnel tunnel(OutboundRoute route) {
        return assertInstanceOf(OutboundRoute.Tunnel.class, route);
    }

    private static TunnelConfig config(MeshService service) {
        return TunnelConfig.builder()
                .workloads(List.of(CLIENT, ECHO_1, ECHO_2, LEGACY, WAYPOINT))
                .services(List.of(service))
                .build();
    }

    private static MeshService service(Optional<WaypointAddress> waypoint, Endpoint... endpoints) {
        return new MeshService(NamespacedName.of("demo", "echo"), "echo.demo.svc.cluster.local", List.of(VIP),
                List.of(new ServicePort("", 80, 8080, Optional.empty())), List.of(endpoints), waypoint, Map.of());
    }

    private static Endpoint endpoint(Workload workload, int targetPort) {
        return new Endpoint(workload.uid(), workload.addresses().get(0), Map.of(80, targetPort));
    }
}
