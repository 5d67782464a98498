package dev.ambit.control.stream;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.ServiceRef;
import dev.ambit.api.model.route.BackendRef;
import dev.ambit.api.model.route.HttpRoute;
import dev.ambit.api.model.route.RouteRule;
import dev.ambit.api.model.traffic.TrafficPolicy;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.control.model.ConfigEntry;
import dev.ambit.control.model.ConfigSnapshot;
import dev.ambit.control.model.MeshIndex;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The config of a Gateway's proxy. A waypoint's: the routes of the services bound to it, the traffic policies of
 * those services and of the backends its routes send to, the authorization and request-authentication policies of
 * their namespaces, and every service and reachable workload, which it needs to forward. An ingress gateway's: the
 * routes attached to its Gateway and the traffic policies of their backends, and the same services and workloads
 * (no service is bound to it, so it gets no policies: its backends' waypoints and tunnels enforce theirs).
 *
 * @param gateway  the Gateway the proxy serves, as routes name their ingress parent
 * @param hostname the Gateway service's hostname, as services name their waypoint
 */
record WaypointScope(NamespacedName gateway, String hostname, String rootNamespace) implements ClientScope {

    @Override
    public Map<String, ConfigEntry> view(ResourceType type, ConfigSnapshot snapshot) {
        Map<String, ConfigEntry> all = snapshot.resources(type);
        MeshIndex index = snapshot.index();
        List<MeshService> bound = index.servicesUsing(hostname);
        return switch (type) {
            case SERVICE -> all;
            case WORKLOAD -> ClientScope.filter(all, entry -> index.endpointWorkloads().contains(entry.name())
                    || ((Workload) entry.model()).waypoint().flatMap(waypoint -> waypoint.hostname())
                            .filter(hostname::equals).isPresent());
            case HTTP_ROUTE -> {
                Set<String> routes = new HashSet<>();
                bound.forEach(service -> index.routesOf(service.name()).forEach(route -> routes.add(route.resourceName())));
                index.routesOfGateway(gateway).forEach(route -> routes.add(route.resourceName()));
                yield ClientScope.filter(all, entry -> routes.contains(entry.name()));
            }
            case TRAFFIC_POLICY -> {
                Set<NamespacedName> targets = targets(bound, index);
                index.routesOfGateway(gateway).forEach(route -> addBackends(route, targets));
                yield ClientScope.filter(all, entry -> targets.contains(((TrafficPolicy) entry.model()).targetRef().service()));
            }
            case AUTHORIZATION_POLICY, REQUEST_AUTHENTICATION -> {
                Set<String> namespaces = new HashSet<>();
                bound.forEach(service -> namespaces.add(service.name().namespace()));
                yield ClientScope.policiesFor(all, namespaces, rootNamespace);
            }
            case PEER_AUTHENTICATION -> Map.of();
        };
    }

    /** The bound services and every backend their routes send to. */
    private static Set<NamespacedName> targets(List<MeshService> bound, MeshIndex index) {
        Set<NamespacedName> targets = new HashSet<>();
        for (MeshService service : bound) {
            targets.add(service.name());
            index.routesOf(service.name()).forEach(route -> addBackends(route, targets));
        }
        return targets;
    }

    private static void addBackends(HttpRoute route, Set<NamespacedName> targets) {
        for (RouteRule rule : route.rules()) {
            rule.backendRefs().stream().map(BackendRef::service).map(ServiceRef::service).forEach(targets::add);
        }
    }
}
