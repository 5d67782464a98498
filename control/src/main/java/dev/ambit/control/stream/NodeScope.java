package dev.ambit.control.stream;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.control.model.ConfigEntry;
import dev.ambit.control.model.ConfigSnapshot;
import dev.ambit.control.model.MeshIndex;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A node agent's config: the workloads on its node and those it may reach (every service's endpoints), every
 * service, and the L4 policies (authorization, peer authentication) that apply to its workloads. L7 config
 * (routes, request authentication, traffic policies) is the waypoints' business.
 */
record NodeScope(String node, String rootNamespace) implements ClientScope {

    @Override
    public Map<String, ConfigEntry> view(ResourceType type, ConfigSnapshot snapshot) {
        Map<String, ConfigEntry> all = snapshot.resources(type);
        MeshIndex index = snapshot.index();
        return switch (type) {
            case WORKLOAD -> {
                Set<String> reachable = index.endpointWorkloads();
                yield ClientScope.filter(all, entry -> reachable.contains(entry.name())
                        || node.equals(((Workload) entry.model()).node()));
            }
            case SERVICE -> all;
            case AUTHORIZATION_POLICY, PEER_AUTHENTICATION -> {
                Set<String> namespaces = index.workloadsOn(node).stream().map(workload -> workload.name().namespace())
                        .collect(Collectors.toSet());
                yield ClientScope.policiesFor(all, namespaces, rootNamespace);
            }
            case REQUEST_AUTHENTICATION, HTTP_ROUTE, TRAFFIC_POLICY -> Map.of();
        };
    }
}
