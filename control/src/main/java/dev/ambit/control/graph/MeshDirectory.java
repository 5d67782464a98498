package dev.ambit.control.graph;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.mesh.MeshLabels;
import dev.ambit.api.model.policy.WorkloadPolicy;
import dev.ambit.api.model.workload.DataplaneMode;
import dev.ambit.api.model.workload.Endpoint;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.WaypointAddress;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.control.model.ConfigEntry;
import dev.ambit.control.model.ConfigSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the graph needs to know of one config snapshot: which group ({@code namespace/canonical name}) a workload,
 * identity or service hostname belongs to, which groups are waypoints or in the mesh, and which policies select a
 * workload.
 */
final class MeshDirectory {

    private static final String SHARED = "";
    private final String rootNamespace;
    private final Map<String, List<Workload>> groups = new TreeMap<>();
    private final Map<String, String> groupByIdentity = new HashMap<>();
    private final Map<String, String> groupByUid = new HashMap<>();
    private final Map<String, MeshService> serviceByHostname = new HashMap<>();
    private final List<WorkloadPolicy> policies = new ArrayList<>();

    MeshDirectory(ConfigSnapshot snapshot, String rootNamespace) {
        this.rootNamespace = rootNamespace;
        for (ConfigEntry entry : snapshot.resources(ResourceType.WORKLOAD).values()) {
            Workload workload = (Workload) entry.model();
            String group = groupId(workload.name().namespace(), workload.canonicalName());
            groups.computeIfAbsent(group, any -> new ArrayList<>()).add(workload);
            // An identity several groups share (a namespace's default ServiceAccount) names none of them.
            groupByIdentity.merge(workload.identity().uri(), group, (a, b) -> a.equals(b) ? a : SHARED);
            groupByUid.put(workload.uid(), group);
        }
        for (ConfigEntry entry : snapshot.resources(ResourceType.SERVICE).values()) {
            MeshService service = (MeshService) entry.model();
            serviceByHostname.put(service.hostname(), service);
        }
        for (ResourceType type : List.of(ResourceType.AUTHORIZATION_POLICY, ResourceType.PEER_AUTHENTICATION,
                ResourceType.REQUEST_AUTHENTICATION)) {
            for (ConfigEntry entry : snapshot.resources(type).values()) {
                if (entry.model() instanceof WorkloadPolicy policy) {
                    policies.add(policy);
                }
            }
        }
        groups.values().forEach(list -> list.sort((a, b) -> a.name().toString().compareTo(b.name().toString())));
    }

    static String groupId(String namespace, String canonicalName) {
        return namespace + "/" + canonicalName;
    }

    Map<String, List<Workload>> groups() {
        return groups;
    }

    boolean isGroup(String id) {
        return groups.containsKey(id);
    }

    /** A waypoint group: its pods carry the Gateway's name. */
    boolean isWaypoint(String group) {
        return groups.getOrDefault(group, List.of()).stream()
                .anyMatch(w -> w.labels().containsKey(MeshLabels.GATEWAY_NAME));
    }

    /** Reached over HBONE: an ambient group, or a waypoint (waypoints serve HBONE themselves). */
    boolean speaksHbone(String group) {
        return isWaypoint(group) || groups.getOrDefault(group, List.of()).stream()
                .anyMatch(w -> w.dataplaneMode() == DataplaneMode.AMBIENT);
    }

    Optional<String> groupOfIdentity(String principal) {
        return Optional.ofNullable(groupByIdentity.get(principal)).filter(group -> !group.isEmpty());
    }

    /** The one group behind a service's endpoints, when it has exactly one (hello-svc → demo/hello). */
    Optional<String> groupOfService(String hostname) {
        MeshService service = serviceByHostname.get(hostname);
        if (service == null) {
            return Optional.empty();
        }
        TreeSet<String> behind = new TreeSet<>();
        for (Endpoint endpoint : service.endpoints()) {
            String group = groupByUid.get(endpoint.workloadUid());
            if (group != null) {
                behind.add(group);
            }
        }
        return behind.size() == 1 ? Optional.of(behind.first()) : Optional.empty();
    }

    /** The waypoint a workload's traffic goes through (its own, else its first service's), as the graph names it. */
    Optional<String> waypointOf(Workload workload) {
        Optional<WaypointAddress> waypoint = workload.waypoint();
        for (var service : workload.services()) {
            if (waypoint.isPresent()) {
                break;
            }
            waypoint = serviceByHostname.values().stream().filter(s -> s.name().equals(service)).findFirst()
                    .flatMap(MeshService::waypoint);
        }
        return waypoint.map(this::describe);
    }

    /** {@code namespace/gateway} when the waypoint's address is a service of waypoint pods, else its address. */
    private String describe(WaypointAddress waypoint) {
        if (waypoint.hostname().isPresent()) {
            MeshService service = serviceByHostname.get(waypoint.hostname().get());
            if (service != null) {
                String gateway = service.labels().get(MeshLabels.GATEWAY_NAME);
                return gateway != null ? service.name().namespace() + "/" + gateway : service.name().toString();
            }
            return waypoint.hostname().get();
        }
        return waypoint.address().map(a -> a.getHostAddress()).orElse("") + ":" + waypoint.port();
    }

    /** The policies that select {@code workload}, as {@code Kind namespace/name}. */
    List<String> policiesOf(Workload workload) {
        List<String> selecting = new ArrayList<>();
        for (WorkloadPolicy policy : policies) {
            if (policy.appliesTo(workload, rootNamespace)) {
                selecting.add(policy.getClass().getSimpleName() + " " + policy.name());
            }
        }
        selecting.sort(null);
        return selecting;
    }

    static String namespaceOfPrincipal(String principal) {
        try {
            return SpiffeId.parse(principal).namespace();
        } catch (RuntimeException e) {
            return "";
        }
    }
}
