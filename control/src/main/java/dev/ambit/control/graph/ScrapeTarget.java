package dev.ambit.control.graph;

import dev.ambit.api.mesh.MeshLabels;
import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.control.model.ConfigSnapshot;
import dev.ambit.api.config.ResourceType;
import dev.ambit.control.model.ConfigEntry;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A metrics endpoint the graph reads: a node's tunnel (per-identity TCP counters) or a waypoint (request metrics),
 * at {@code <address>:}{@value MeshPorts#METRICS}{@code /metrics}.
 *
 * @param name a node's name, or a waypoint's {@code namespace/gateway}
 */
public record ScrapeTarget(Kind kind, String name, URI uri) {

    public enum Kind {
        NODE,
        WAYPOINT,
        /** The Prometheus the graph reads instead (--graph-prometheus-url): listed only when it failed. */
        PROMETHEUS
    }

    /**
     * The endpoints the controller knows from its model: one per node that runs ambient workloads (its tunnel's
     * address, the node's InternalIP) and one per waypoint pod (labelled with its Gateway's name).
     */
    public static List<ScrapeTarget> of(ConfigSnapshot snapshot) {
        Map<String, ScrapeTarget> nodes = new TreeMap<>();
        List<ScrapeTarget> waypoints = new ArrayList<>();
        for (ConfigEntry entry : snapshot.resources(ResourceType.WORKLOAD).values()) {
            Workload workload = (Workload) entry.model();
            workload.tunnel().ifPresent(tunnel -> nodes.putIfAbsent(workload.node(),
                    new ScrapeTarget(Kind.NODE, workload.node(), metricsUri(tunnel.getAddress()))));
            String gateway = workload.labels().get(MeshLabels.GATEWAY_NAME);
            if (gateway != null && !workload.addresses().isEmpty()) {
                waypoints.add(new ScrapeTarget(Kind.WAYPOINT, workload.name().namespace() + "/" + gateway,
                        metricsUri(workload.addresses().get(0))));
            }
        }
        List<ScrapeTarget> targets = new ArrayList<>(nodes.values());
        waypoints.sort(Comparator.comparing(ScrapeTarget::name).thenComparing(ScrapeTarget::uri));
        targets.addAll(waypoints);
        return targets;
    }

    static URI metricsUri(InetAddress address) {
        String host = address.getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + MeshPorts.METRICS + "/metrics");
    }
}
