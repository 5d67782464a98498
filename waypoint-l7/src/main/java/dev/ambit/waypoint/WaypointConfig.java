package dev.ambit.waypoint;

import dev.ambit.api.model.policy.AuthorizationPolicy;
import dev.ambit.api.model.policy.RequestAuthentication;
import dev.ambit.api.model.policy.WorkloadPolicy;
import dev.ambit.api.model.route.HttpRoute;
import dev.ambit.api.model.traffic.TrafficPolicy;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.Workload;
import java.util.List;

/**
 * Everything a waypoint serves by, as one immutable snapshot: a controller (or a test) builds the next one and hands
 * it to {@link Waypoint#update}, which swaps it in atomically. Requests in flight finish on the snapshot they started
 * with.
 *
 * @param services  the services whose traffic comes through this waypoint, and their backends
 * @param workloads the workloads behind those services and the clients calling them (for identities and metrics)
 * @param rootNamespace where mesh-wide policies live
 */
public record WaypointConfig(
        List<MeshService> services,
        List<Workload> workloads,
        List<HttpRoute> routes,
        List<TrafficPolicy> trafficPolicies,
        List<AuthorizationPolicy> authorizationPolicies,
        List<RequestAuthentication> requestAuthentications,
        String rootNamespace) {

    public static final WaypointConfig EMPTY = new WaypointConfig(List.of(), List.of(), List.of(), List.of(),
            List.of(), List.of(), WorkloadPolicy.DEFAULT_ROOT_NAMESPACE);

    public WaypointConfig {
        services = List.copyOf(services);
        workloads = List.copyOf(workloads);
        routes = List.copyOf(routes);
        trafficPolicies = List.copyOf(trafficPolicies);
        authorizationPolicies = List.copyOf(authorizationPolicies);
        requestAuthentications = List.copyOf(requestAuthentications);
    }
}
