package dev.ambit.control.stream;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.model.policy.WorkloadPolicy;
import dev.ambit.control.model.ConfigEntry;
import dev.ambit.control.model.ConfigSnapshot;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** What one client is entitled to and needs, per resource type, cut from a snapshot. */
interface ClientScope {

    /** By resource name. */
    Map<String, ConfigEntry> view(ResourceType type, ConfigSnapshot snapshot);

    /** The entries of {@code all} that {@code keep} accepts, by name. */
    static Map<String, ConfigEntry> filter(Map<String, ConfigEntry> all, Predicate<ConfigEntry> keep) {
        Map<String, ConfigEntry> kept = new HashMap<>();
        all.forEach((name, entry) -> {
            if (keep.test(entry)) {
                kept.put(name, entry);
            }
        });
        return kept;
    }

    /**
     * The workload policies of {@code all} that can apply to a client's workloads: those in one of
     * {@code namespaces}, and the mesh-wide ones of {@code rootNamespace}.
     */
    static Map<String, ConfigEntry> policiesFor(Map<String, ConfigEntry> all, Set<String> namespaces,
            String rootNamespace) {
        return filter(all, entry -> {
            String namespace = ((WorkloadPolicy) entry.model()).name().namespace();
            return namespace.equals(rootNamespace) || namespaces.contains(namespace);
        });
    }
}
