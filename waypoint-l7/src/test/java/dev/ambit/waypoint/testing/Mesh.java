package dev.ambit.waypoint.testing;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.ServiceRef;
import dev.ambit.api.model.route.BackendRef;
import dev.ambit.api.model.route.GatewayParentRef;
import dev.ambit.api.model.route.HttpRoute;
import dev.ambit.api.model.route.RouteFilters;
import dev.ambit.api.model.route.RouteMatch;
import dev.ambit.api.model.route.RouteRule;
import dev.ambit.api.model.route.RouteTimeouts;
import dev.ambit.api.model.traffic.TrafficPolicy;
import dev.ambit.api.model.workload.DataplaneMode;
import dev.ambit.api.model.workload.Endpoint;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.ServicePort;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.waypoint.WaypointConfig;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Builds config model objects for tests: namespace {@value #NS}, services on port 80 backed by test servers. */
public final class Mesh {

    public static final String NS = "demo";
    public static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private final List<MeshService> services = new ArrayList<>();
    private final List<Workload> workloads = new ArrayList<>();
    private final List<HttpRoute> routes = new ArrayList<>();
    private final List<TrafficPolicy> policies = new ArrayList<>();
    private final List<dev.ambit.api.model.policy.AuthorizationPolicy> authz = new ArrayList<>();
    private final List<dev.ambit.api.model.policy.RequestAuthentication> authn = new ArrayList<>();

    public static NamespacedName name(String name) {
        return NamespacedName.of(NS, name);
    }

    public static String host(String service) {
        return service + "." + NS + ".svc.cluster.local";
    }

    public static SpiffeId identity(String serviceAccount) {
        return SpiffeId.of("cluster.local", NS, serviceAccount);
    }

    /** A service on port 80 whose endpoints are {@code backends}, each its own workload. */
    public Mesh service(String name, Optional<String> appProtocol, int... backendPorts) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < backendPorts.length; i++) {
            String uid = name + "-" + i;
            endpoints.add(new Endpoint(uid, LOOPBACK, Map.of(80, backendPorts[i])));
            workloads.add(new Workload(uid, name(uid), identity(name), "node-1", List.of(LOOPBACK),
                    DataplaneMode.NONE, Optional.empty(), Optional.empty(), Map.of("app", name), name, "v1",
                    List.of(name(name))));
        }
        services.add(new MeshService(name(name), host(name), List.of(),
                List.of(new ServicePort("", 80, 80, appProtocol)), endpoints, Optional.empty(), Map.of("app", name)));
        return this;
    }

    public Mesh service(String name, int... backendPorts) {
        return service(name, Optional.empty(), backendPorts);
    }

    public Mesh workload(Workload workload) {
        workloads.add(workload);
        return this;
    }

    public Mesh route(String parent, RouteRule... rules) {
        routes.add(new HttpRoute(name(parent + "-route-" + routes.size()), List.of(ServiceRef.of(name(parent), 80)),
                List.of(rules)));
        return this;
    }

    /** A route attached to the ingress Gateway {@code gateway} for {@code hostnames} (any host when empty). */
    public Mesh ingressRoute(GatewayParentRef gateway, List<String> hostnames, RouteRule... rules) {
        routes.add(new HttpRoute(name("ingress-route-" + routes.size()), List.of(), List.of(gateway), hostnames,
                List.of(rules)));
        return this;
    }

    public Mesh policy(TrafficPolicy policy) {
        policies.add(policy);
        return this;
    }

    public Mesh authorization(dev.ambit.api.model.policy.AuthorizationPolicy policy) {
        authz.add(policy);
        return this;
    }

    public Mesh authentication(dev.ambit.api.model.policy.RequestAuthentication policy) {
        authn.add(policy);
        return this;
    }

    public WaypointConfig config() {
        return new WaypointConfig(services, workloads, routes, policies, authz, authn, "ambit-system");
    }

    public static BackendRef backend(String service, int weight) {
        return new BackendRef(ServiceRef.of(name(service), 80), weight);
    }

    public static RouteRule rule(List<RouteMatch> matches, RouteFilters filters, BackendRef... backends) {
        return new RouteRule(matches, filters, List.of(backends), RouteTimeouts.NONE);
    }

    public static RouteRule rule(List<RouteMatch> matches, BackendRef... backends) {
        return rule(matches, RouteFilters.NONE, backends);
    }

    /** A traffic policy for {@code service}; parts are added with {@link PolicyBuilder}'s methods. */
    public static PolicyBuilder trafficPolicy(String service) {
        return new PolicyBuilder(service);
    }
}
