package dev.ambit.control.model.convert;

import dev.ambit.api.mesh.MeshLabels;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.workload.WaypointAddress;
import dev.ambit.control.model.MeshSettings;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which waypoint serves a service or workload: its own {@code ambit.dev/use-waypoint} label, else its namespace's;
 * {@code none} opts out. The waypoint is used only once its {@code Gateway} exists, so a typo in a label leaves
 * traffic on L4 instead of sending it nowhere.
 */
public final class WaypointBinding {

    private WaypointBinding() {
    }

    /** The waypoint {@code Gateway} named by the labels, whether or not it exists. */
    public static Optional<NamespacedName> requested(String namespace, Map<String, String> namespaceLabels,
            Map<String, String> objectLabels) {
        if (objectLabels.containsKey(MeshLabels.GATEWAY_NAME)) {
            return Optional.empty();
        }
        String gateway = objectLabels.getOrDefault(MeshLabels.USE_WAYPOINT, namespaceLabels.get(MeshLabels.USE_WAYPOINT));
        if (gateway == null || gateway.isEmpty() || gateway.equals(MeshLabels.NONE)) {
            return Optional.empty();
        }
        return Optional.of(NamespacedName.of(namespace, gateway));
    }

    public static Optional<WaypointAddress> resolve(String namespace, Map<String, String> namespaceLabels,
            Map<String, String> objectLabels, Predicate<NamespacedName> waypointExists, MeshSettings settings) {
        return requested(namespace, namespaceLabels, objectLabels).filter(waypointExists)
                .map(gateway -> WaypointAddress.hostname(settings.hostname(gateway)));
    }
}
