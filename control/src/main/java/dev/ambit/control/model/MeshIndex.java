package dev.ambit.control.model;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.ServiceRef;
import dev.ambit.api.model.route.GatewayParentRef;
import dev.ambit.api.model.route.HttpRoute;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.Workload;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Lookups over one snapshot that client scoping and the CA need, built once per snapshot. */
public final class MeshIndex {

    private final Map<String, List<Workload>> workloadsByNode = new HashMap<>();
    private final Set<String> endpointWorkloads = new HashSet<>();
    private final Map<String, List<MeshService>> servicesByWaypoint = new HashMap<>();
    private final Map<NamespacedName, List<HttpRoute>> routesByParent = new HashMap<>();
    private final Map<NamespacedName, List<HttpRoute>> routesByGateway = new HashMap<>();

    MeshIndex(ConfigSnapshot snapshot) {
        for (ConfigEntry entry : snapshot.resources(ResourceType.WORKLOAD).values()) {
            Workload workload = (Workload) entry.model();
            workloadsByNode.computeIfAbsent(workload.node(), node -> new ArrayList<>()).add(workload);
        }
        for (ConfigEntry entry : snapshot.resources(ResourceType.SERVICE).values()) {
            MeshService service = (MeshService) entry.model();
            service.endpoints().forEach(endpoint -> endpointWorkloads.add(endpoint.workloadUid()));
            service.waypoint().flatMap(waypoint -> waypoint.hostname()).ifPresent(hostname ->
                    servicesByWaypoint.computeIfAbsent(hostname, any -> new ArrayList<>()).add(service));
        }
        for (ConfigEntry entry : snapshot.resources(ResourceType.HTTP_ROUTE).values()) {
            HttpRoute route = (HttpRoute) entry.model();
            for (ServiceRef parent : route.parentRefs()) {
                routesByParent.computeIfAbsent(parent.service(), any -> new ArrayList<>()).add(route);
            }
            route.gatewayParentRefs().stream().map(GatewayParentRef::gateway).distinct().forEach(gateway ->
                    routesByGateway.computeIfAbsent(gateway, any -> new ArrayList<>()).add(route));
        }
    }

    public List<Workload> workloadsOn(String node) {
        return workloadsByNode.getOrDefault(node, List.of());
    }

    /** Uids of the workloads behind some service: what a client may reach besides its own pods. */
    public Set<String> endpointWorkloads() {
        return endpointWorkloads;
    }

    /** The services whose waypoint is the service with this hostname. */
    public List<MeshService> servicesUsing(String waypointHostname) {
        return servicesByWaypoint.getOrDefault(waypointHostname, List.of());
    }

    public List<HttpRoute> routesOf(NamespacedName service) {
        return routesByParent.getOrDefault(service, List.of());
    }

    /** The routes attached to the ingress Gateway of this name. */
    public List<HttpRoute> routesOfGateway(NamespacedName gateway) {
        return routesByGateway.getOrDefault(gateway, List.of());
    }
}
