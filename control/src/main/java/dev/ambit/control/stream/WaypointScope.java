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
 * A waypoint's config: the routes of the services bound to it, the traffic policies of those services and of the
 * backends its routes send to, the authorization and request-authentication policies of their namespaces, and
 * every service and reachable workload, which it needs to forward.
 *
 * @param hostname the waypoint service's hostname, as services name their waypoint
 */
record WaypointScope(String hostname, String rootNamespace) implements ClientScope {

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
                yield ClientScope.filter(all, entry -> routes.contains(entry.name()));
            }
            case TRAFFIC_POLICY -> {
                Set<NamespacedName> targets = targets(bound, index);
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
            for (HttpRoute route : index.routesOf(service.name())) {
                for (RouteRule rule : route.rules()) {
                    rule.backendRefs().stream().map(BackendRef::service).map(ServiceRef::service).forEach(targets::add);
                }
            }
        }
        return targets;
    }
}
