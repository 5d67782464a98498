package dev.ambit.bench.topology;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.ServiceRef;
import dev.ambit.api.model.route.BackendRef;
import dev.ambit.api.model.route.HttpRoute;
import dev.ambit.api.model.route.PathMatch;
import dev.ambit.api.model.route.RouteFilters;
import dev.ambit.api.model.route.RouteMatch;
import dev.ambit.api.model.route.RouteRule;
import dev.ambit.api.model.route.RouteTimeouts;
import dev.ambit.api.model.workload.DataplaneMode;
import dev.ambit.api.model.workload.Endpoint;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.ServicePort;
import dev.ambit.api.model.workload.WaypointAddress;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.waypoint.WaypointConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The mesh bench/run builds out of network namespaces, as the bench's waypoint sees it (the node tunnels get theirs
 * from the controller, which reads the same mesh from the YAML bench/run writes). Must match the addresses the
 * script assigns: node A (10.77.0.1) with the client pod (10.77.1.2) behind it, node B (10.77.0.2) with the server
 * pod (10.77.2.2) and the waypoint (10.77.0.13). The service VIP (10.96.0.10) exists only in config: connections to
 * it are steered by eBPF and never routed.
 */
public final class BenchTopology {

    public static final String NAMESPACE = "bench";
    public static final String NODE_A = "node-a";
    public static final String NODE_B = "node-b";
    public static final InetAddress NODE_A_ADDRESS = ip("10.77.0.1");
    public static final InetAddress NODE_B_ADDRESS = ip("10.77.0.2");
    public static final InetAddress CLIENT_POD = ip("10.77.1.2");
    public static final InetAddress SERVER_POD = ip("10.77.2.2");
    public static final InetAddress WAYPOINT_ADDRESS = ip("10.77.0.13");
    public static final InetAddress SERVICE_VIP = ip("10.96.0.10");
    public static final int SERVICE_PORT = 80;
    public static final int BACKEND_PORT = 8080;

    public static final SpiffeId CLIENT = identity("client");
    public static final SpiffeId SERVER = identity("server");
    public static final SpiffeId WAYPOINT = identity("waypoint");
    public static final NamespacedName SERVICE = NamespacedName.of(NAMESPACE, "echo");
    public static final String SERVICE_HOST = "echo.bench.svc.cluster.local";

    private static final Workload CLIENT_WORKLOAD = workload("client", CLIENT, NODE_A, CLIENT_POD,
            Optional.of(hbone(NODE_A_ADDRESS)), DataplaneMode.AMBIENT, List.of());
    private static final Workload SERVER_WORKLOAD = workload("server", SERVER, NODE_B, SERVER_POD,
            Optional.of(hbone(NODE_B_ADDRESS)), DataplaneMode.AMBIENT, List.of(SERVICE));
    private static final Workload WAYPOINT_WORKLOAD = workload("waypoint", WAYPOINT, NODE_B, WAYPOINT_ADDRESS,
            Optional.empty(), DataplaneMode.NONE, List.of());
    private static final MeshService ECHO_SERVICE = new MeshService(SERVICE, SERVICE_HOST,
            List.of(SERVICE_VIP), List.of(new ServicePort("http", SERVICE_PORT, BACKEND_PORT, Optional.of("http"))),
            List.of(new Endpoint(SERVER_WORKLOAD.uid(), SERVER_POD, Map.of(SERVICE_PORT, BACKEND_PORT))),
            Optional.of(WaypointAddress.address(WAYPOINT_ADDRESS)), Map.of("app", "echo"));
    /** One catch-all route, so that the waypoint's requests take the routing path, not the no-route shortcut. */
    private static final HttpRoute ECHO_ROUTE = new HttpRoute(NamespacedName.of(NAMESPACE, "echo"),
            List.of(ServiceRef.of(SERVICE, SERVICE_PORT)), List.of(new RouteRule(
                    List.of(new RouteMatch(Optional.of(PathMatch.prefix("/")), List.of(), List.of(), Optional.empty())),
                    RouteFilters.NONE, List.of(new BackendRef(ServiceRef.of(SERVICE, SERVICE_PORT), 1)),
                    RouteTimeouts.NONE)));

    private BenchTopology() {
    }

    public static WaypointConfig waypointConfig() {
        return new WaypointConfig(List.of(ECHO_SERVICE), List.of(CLIENT_WORKLOAD, SERVER_WORKLOAD, WAYPOINT_WORKLOAD),
                List.of(ECHO_ROUTE), List.of(), List.of(), List.of(), "ambit-system");
    }

    /**
     * {@link #waypointConfig()} with the echo service's one endpoint at {@code backend} rather than the server pod:
     * for a waypoint on loopback ({@code WaypointLoopback}), which finds the service by its {@code Host}.
     */
    public static WaypointConfig waypointConfig(InetSocketAddress backend) {
        MeshService service = new MeshService(ECHO_SERVICE.name(), ECHO_SERVICE.hostname(), ECHO_SERVICE.vips(),
                ECHO_SERVICE.ports(), List.of(new Endpoint(SERVER_WORKLOAD.uid(), backend.getAddress(),
                        Map.of(SERVICE_PORT, backend.getPort()))), ECHO_SERVICE.waypoint(), ECHO_SERVICE.labels());
        return new WaypointConfig(List.of(service), List.of(CLIENT_WORKLOAD, SERVER_WORKLOAD, WAYPOINT_WORKLOAD),
                List.of(ECHO_ROUTE), List.of(), List.of(), List.of(), "ambit-system");
    }

    public static InetAddress nodeAddress(String node) {
        return switch (node) {
            case NODE_A -> NODE_A_ADDRESS;
            case NODE_B -> NODE_B_ADDRESS;
            default -> throw new IllegalArgumentException("unknown node " + node + "; expected " + NODE_A + " or "
                    + NODE_B);
        };
    }

    public static InetSocketAddress hbone(InetAddress address) {
        return new InetSocketAddress(address, MeshPorts.HBONE);
    }

    private static Workload workload(String name, SpiffeId identity, String node, InetAddress address,
            Optional<InetSocketAddress> tunnel, DataplaneMode mode, List<NamespacedName> services) {
        return new Workload(name, NamespacedName.of(NAMESPACE, name), identity, node, List.of(address), mode, tunnel,
                Optional.empty(), Map.of("app", name), name, "v1", services);
    }

    private static SpiffeId identity(String serviceAccount) {
        return SpiffeId.of("cluster.local", NAMESPACE, serviceAccount);
    }

    private static InetAddress ip(String literal) {
        return dev.ambit.api.model.IpLiteral.parse(literal);
    }
}
