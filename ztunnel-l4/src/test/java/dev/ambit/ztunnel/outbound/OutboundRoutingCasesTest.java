package dev.ambit.ztunnel.outbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.model.IpLiteral;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.workload.DataplaneMode;
import dev.ambit.api.model.workload.Endpoint;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.ServicePort;
import dev.ambit.api.model.workload.WaypointAddress;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.ztunnel.config.TunnelConfig;
import dev.ambit.runtime.transport.FailureReason;
import dev.ambit.runtime.testing.TestCa;
import dev.ambit.ztunnel.testing.Workloads;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The outbound decisions the basic resolver tests leave out: waypoints by hostname, plain endpoints, odd ports. */
class OutboundRoutingCasesTest {

    private static final InetSocketAddress TUNNEL_B = new InetSocketAddress(Workloads.loopback(2), 15008);
    private static final InetAddress VIP = Workloads.loopback(100);
    private static final InetAddress WAYPOINT_VIP = Workloads.loopback(101);
    private static final Workload CLIENT = Workloads.ambient("demo", "client", "node-a", Workloads.loopback(4),
            new InetSocketAddress(Workloads.loopback(1), 15008));
    private static final Workload ECHO = Workloads.ambient("demo", "echo-1", "node-b", Workloads.loopback(11),
            TUNNEL_B);
    private static final Workload LEGACY = Workloads.outsideMesh("demo", "legacy", "node-b", Workloads.loopback(13));
    private static final Workload WAYPOINT = Workloads.ambient("demo", "waypoint", "node-b", Workloads.loopback(20),
            TUNNEL_B);
    private static final InetSocketAddress CLIENT_SOCKET = new InetSocketAddress(Workloads.loopback(4), 40000);
    private static final InetSocketAddress STRANGER_SOCKET = new InetSocketAddress(Workloads.loopback(99), 40000);
    private static final String WAYPOINT_HOST = "waypoint.demo.svc.cluster.local";

    private final OutboundResolver resolver = new OutboundResolver(new EndpointPicker());

    private static MeshService echo(Optional<WaypointAddress> waypoint, Endpoint... endpoints) {
        return new MeshService(NamespacedName.of("demo", "echo"), "echo.demo.svc.cluster.local", List.of(VIP),
                List.of(new ServicePort("", 80, 8080, Optional.empty())), List.of(endpoints), waypoint, Map.of());
    }

    private static MeshService waypointService(Endpoint... endpoints) {
        return new MeshService(NamespacedName.of("demo", "waypoint"), WAYPOINT_HOST, List.of(WAYPOINT_VIP),
                List.of(new ServicePort("", 15008, 15008, Optional.empty())), List.of(endpoints), Optional.empty(),
                Map.of());
    }

    private static Endpoint endpoint(Workload workload, Map<Integer, Integer> ports) {
        return new Endpoint(workload.uid(), workload.addresses().get(0), ports);
    }

    private static TunnelConfig config(List<Workload> workloads, MeshService... services) {
        return TunnelConfig.builder().workloads(workloads).services(List.of(services)).build();
    }

    private static TunnelConfig config(MeshService... services) {
        return config(List.of(CLIENT, ECHO, LEGACY, WAYPOINT), services);
    }

    @Test
    void aPortTheServiceDoesNotHaveIsPassedThroughUnchanged() {
        InetSocketAddress original = new InetSocketAddress(VIP, 443);
        OutboundRoute.Passthrough route = assertInstanceOf(OutboundRoute.Passthrough.class,
                resolver.resolve(CLIENT_SOCKET, original, config(echo(Optional.empty(),
                        endpoint(ECHO, Map.of(80, 8080))))));
        assertEquals(original, route.address());
        assertEquals(Optional.of(CLIENT), route.source());
        assertEquals(Optional.empty(), route.destination());
    }

    @Test
    void anEndpointWithoutItsOwnPortMappingGetsTheServiceTargetPort() {
        OutboundRoute.Tunnel route = assertInstanceOf(OutboundRoute.Tunnel.class, resolver.resolve(CLIENT_SOCKET,
                new InetSocketAddress(VIP, 80), config(echo(Optional.empty(), endpoint(ECHO, Map.of())))));
        assertEquals(new InetSocketAddress(Workloads.loopback(11), 8080), route.target());
        assertEquals(CLIENT, route.source());
        assertEquals(Optional.of(ECHO), route.destination());
    }

    @Test
    void anEndpointOutsideTheMeshIsReachedByPlainTcp() {
        OutboundRoute.Passthrough route = assertInstanceOf(OutboundRoute.Passthrough.class, resolver.resolve(
                CLIENT_SOCKET, new InetSocketAddress(VIP, 80), config(echo(Optional.empty(),
                        endpoint(LEGACY, Map.of(80, 9000))))));
        assertEquals(new InetSocketAddress(Workloads.loopback(13), 9000), route.address());
        assertEquals(Optional.of(LEGACY), route.destination());
    }

    @Test
    void anEndpointOfNoKnownWorkloadIsReachedByPlainTcp() {
        Endpoint unknown = new Endpoint("uid-gone", Workloads.loopback(30), Map.of(80, 8080));
        OutboundRoute.Passthrough route = assertInstanceOf(OutboundRoute.Passthrough.class, resolver.resolve(
                CLIENT_SOCKET, new InetSocketAddress(VIP, 80), config(echo(Optional.empty(), unknown))));
        assertEquals(new InetSocketAddress(Workloads.loopback(30), 8080), route.address());
        assertEquals(Optional.empty(), route.destination());
    }

    @Test
    void aClientOutsideTheMeshCannotTunnelToAnAmbientService() {
        OutboundRoute.Refused refused = assertInstanceOf(OutboundRoute.Refused.class, resolver.resolve(
                STRANGER_SOCKET, new InetSocketAddress(VIP, 80), config(echo(Optional.empty(),
                        endpoint(ECHO, Map.of(80, 8080))))));
        assertEquals(FailureReason.UNKNOWN_SOURCE, refused.reason());
        assertTrue(refused.detail().contains("127.0.0.11:8080"), refused.detail());
    }

    @Test
    void anEmptyServiceIsRefusedByName() {
        OutboundRoute.Refused refused = assertInstanceOf(OutboundRoute.Refused.class, resolver.resolve(
                CLIENT_SOCKET, new InetSocketAddress(VIP, 80), config(echo(Optional.empty()))));
        assertEquals(FailureReason.UNKNOWN_DESTINATION, refused.reason());
        assertEquals("service demo/echo has no endpoints", refused.detail());
    }

    @Test
    void aWaypointNamedByHostnameIsFoundThroughItsService() {
        TunnelConfig config = config(echo(Optional.of(WaypointAddress.hostname(WAYPOINT_HOST)),
                endpoint(ECHO, Map.of(80, 8080))), waypointService(endpoint(WAYPOINT, Map.of())));
        InetSocketAddress original = new InetSocketAddress(VIP, 80);
        OutboundRoute.Tunnel route = assertInstanceOf(OutboundRoute.Tunnel.class,
                resolver.resolve(CLIENT_SOCKET, original, config));
        assertEquals(original, route.target(), "the waypoint gets the original destination");
        assertEquals(new InetSocketAddress(Workloads.loopback(20), 15008), route.key().destination());
        assertEquals(WAYPOINT.identity(), route.key().expectedIdentity());
        assertEquals(CLIENT.identity(), route.key().source());
        assertEquals(Optional.empty(), route.destination(), "the waypoint decides the destination");

        InetSocketAddress fromWaypoint = new InetSocketAddress(Workloads.loopback(20), 40000);
        OutboundRoute.Tunnel onward = assertInstanceOf(OutboundRoute.Tunnel.class,
                resolver.resolve(fromWaypoint, original, config));
        assertEquals(ECHO.identity(), onward.key().expectedIdentity(), "the waypoint's own traffic goes on");
    }

    @Test
    void aDualStackServiceKeepsTheConnectionsFamilyToTheEndpointAndBetweenTheNodes() {
        InetAddress vip6 = IpLiteral.parse("fd00:10:96::10");
        InetAddress echo6 = IpLiteral.parse("fd00:10:244:2::11");
        InetSocketAddress tunnelB6 = new InetSocketAddress(IpLiteral.parse("fd00:10::2"), 15008);
        Workload client = dualStack(CLIENT, IpLiteral.parse("fd00:10:244:1::4"),
                new InetSocketAddress(IpLiteral.parse("fd00:10::1"), 15008));
        Workload echo = dualStack(ECHO, echo6, tunnelB6);
        MeshService service = new MeshService(NamespacedName.of("demo", "echo"), "echo.demo.svc.cluster.local",
                List.of(VIP, vip6), List.of(new ServicePort("", 80, 8080, Optional.empty())),
                List.of(new Endpoint(echo.uid(), Workloads.loopback(11), Map.of()),
                        new Endpoint(echo.uid(), echo6, Map.of())), Optional.empty(), Map.of());
        TunnelConfig config = config(List.of(client, echo), service);

        OutboundRoute.Tunnel overIpv6 = assertInstanceOf(OutboundRoute.Tunnel.class, resolver.resolve(
                new InetSocketAddress(client.addresses().get(1), 40000), new InetSocketAddress(vip6, 80), config));
        assertEquals(new InetSocketAddress(echo6, 8080), overIpv6.target());
        assertEquals(tunnelB6, overIpv6.key().destination(), "HBONE between the nodes over IPv6");
        assertEquals(client, overIpv6.source(), "the client is known by its IPv6 address");

        OutboundRoute.Tunnel overIpv4 = assertInstanceOf(OutboundRoute.Tunnel.class,
                resolver.resolve(CLIENT_SOCKET, new InetSocketAddress(VIP, 80), config));
        assertEquals(new InetSocketAddress(Workloads.loopback(11), 8080), overIpv4.target());
        assertEquals(TUNNEL_B, overIpv4.key().destination());
    }

    @Test
    void aDualStackWaypointIsReachedInTheFamilyOfTheOriginalDestination() {
        InetAddress vip6 = IpLiteral.parse("fd00:10:96::10");
        InetAddress waypoint6 = IpLiteral.parse("fd00:10:244:2::20");
        Workload waypoint = dualStack(WAYPOINT, waypoint6,
                new InetSocketAddress(IpLiteral.parse("fd00:10::2"), 15008));
        MeshService service = new MeshService(NamespacedName.of("demo", "echo"), "echo.demo.svc.cluster.local",
                List.of(VIP, vip6), List.of(new ServicePort("", 80, 8080, Optional.empty())),
                List.of(endpoint(ECHO, Map.of())), Optional.of(WaypointAddress.hostname(WAYPOINT_HOST)), Map.of());
        TunnelConfig config = config(List.of(CLIENT, ECHO, waypoint), service, waypointService(
                new Endpoint(waypoint.uid(), Workloads.loopback(20), Map.of()),
                new Endpoint(waypoint.uid(), waypoint6, Map.of())));
        InetSocketAddress original = new InetSocketAddress(vip6, 80);
        OutboundRoute.Tunnel route = assertInstanceOf(OutboundRoute.Tunnel.class,
                resolver.resolve(CLIENT_SOCKET, original, config));
        assertEquals(new InetSocketAddress(waypoint6, 15008), route.key().destination());
        assertEquals(original, route.target());
    }

    /** {@code workload} with a second address and its node's tunnel in the other family. */
    private static Workload dualStack(Workload workload, InetAddress address, InetSocketAddress otherFamilyTunnel) {
        return new Workload(workload.uid(), workload.name(), workload.identity(), workload.node(),
                List.of(workload.addresses().get(0), address), workload.dataplaneMode(), workload.tunnel(),
                workload.waypoint(), workload.labels(), workload.canonicalName(), workload.canonicalRevision(),
                workload.services(), workload.dnsCapture(), Optional.of(otherFamilyTunnel));
    }

    @Test
    void aWaypointThatCannotBeFoundRefusesTheConnection() {
        TunnelConfig noInstances = config(echo(Optional.of(WaypointAddress.hostname(WAYPOINT_HOST)),
                endpoint(ECHO, Map.of(80, 8080))), waypointService());
        OutboundRoute.Refused refused = assertInstanceOf(OutboundRoute.Refused.class,
                resolver.resolve(CLIENT_SOCKET, new InetSocketAddress(VIP, 80), noInstances));
        assertEquals(FailureReason.UNKNOWN_DESTINATION, refused.reason());
        assertTrue(refused.detail().startsWith("waypoint "), refused.detail());

        TunnelConfig unknownAddress = config(echo(Optional.of(WaypointAddress.address(Workloads.loopback(77))),
                endpoint(ECHO, Map.of(80, 8080))));
        assertEquals(FailureReason.UNKNOWN_DESTINATION, assertInstanceOf(OutboundRoute.Refused.class,
                resolver.resolve(CLIENT_SOCKET, new InetSocketAddress(VIP, 80), unknownAddress)).reason());
    }

    @Test
    void aWaypointWithoutAddressesRefusesTheConnection() {
        Workload addressless = new Workload("uid-waypoint", NamespacedName.of("demo", "waypoint"),
                TestCa.identity("demo", "waypoint"), "node-b", List.of(), DataplaneMode.AMBIENT,
                Optional.of(TUNNEL_B), Optional.empty(), Map.of(), "waypoint", "v1", List.of());
        TunnelConfig config = config(List.of(CLIENT, ECHO, addressless), echo(
                Optional.of(WaypointAddress.hostname(WAYPOINT_HOST)), endpoint(ECHO, Map.of(80, 8080))),
                waypointService(new Endpoint("uid-waypoint", Workloads.loopback(20), Map.of())));
        assertEquals(FailureReason.UNKNOWN_DESTINATION, assertInstanceOf(OutboundRoute.Refused.class,
                resolver.resolve(CLIENT_SOCKET, new InetSocketAddress(VIP, 80), config)).reason());
    }

    @Test
    void aClientOutsideTheMeshCannotReachAWaypoint() {
        TunnelConfig config = config(echo(Optional.of(WaypointAddress.address(Workloads.loopback(20))),
                endpoint(ECHO, Map.of(80, 8080))));
        assertEquals(FailureReason.UNKNOWN_SOURCE, assertInstanceOf(OutboundRoute.Refused.class,
                resolver.resolve(STRANGER_SOCKET, new InetSocketAddress(VIP, 80), config)).reason());
    }

    @Test
    void aWorkloadBehindAWaypointIsReachedThroughIt() {
        Workload guarded = new Workload("uid-guarded", NamespacedName.of("demo", "guarded"),
                TestCa.identity("demo", "guarded"), "node-b", List.of(Workloads.loopback(14)), DataplaneMode.AMBIENT,
                Optional.of(TUNNEL_B), Optional.of(WaypointAddress.address(Workloads.loopback(20))), Map.of(), "guarded",
                "v1", List.of());
        TunnelConfig config = config(List.of(CLIENT, WAYPOINT, guarded));
        InetSocketAddress original = new InetSocketAddress(Workloads.loopback(14), 7000);
        OutboundRoute.Tunnel viaWaypoint = assertInstanceOf(OutboundRoute.Tunnel.class,
                resolver.resolve(CLIENT_SOCKET, original, config));
        assertEquals(WAYPOINT.identity(), viaWaypoint.key().expectedIdentity());
        assertEquals(original, viaWaypoint.target());
        OutboundRoute.Tunnel direct = assertInstanceOf(OutboundRoute.Tunnel.class,
                resolver.resolve(new InetSocketAddress(Workloads.loopback(20), 40000), original, config));
        assertEquals(guarded.identity(), direct.key().expectedIdentity(), "from the waypoint itself: direct");
        assertEquals(Optional.of(guarded), direct.destination());
    }

    @Test
    void anUnknownClientCannotTunnelToAMeshWorkload() {
        assertEquals(FailureReason.UNKNOWN_SOURCE, assertInstanceOf(OutboundRoute.Refused.class,
                resolver.resolve(STRANGER_SOCKET, new InetSocketAddress(Workloads.loopback(11), 80),
                        config())).reason());
        OutboundRoute.Passthrough legacy = assertInstanceOf(OutboundRoute.Passthrough.class, resolver.resolve(
                STRANGER_SOCKET, new InetSocketAddress(Workloads.loopback(13), 80), config()));
        assertEquals(Optional.empty(), legacy.source());
        assertEquals(Optional.of(LEGACY), legacy.destination());
    }
}
