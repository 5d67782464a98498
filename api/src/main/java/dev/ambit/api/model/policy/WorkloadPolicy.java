package dev.ambit.api.model.policy;

import dev.ambit.api.model.NamespacedResource;
import dev.ambit.api.model.workload.Workload;
import java.util.Map;

/**
 * A policy that picks the workloads it applies to by namespace and labels.
 *
 * <p>A policy applies to the workloads of its own namespace whose labels include every entry of its
 * {@link #selector()}; an empty selector picks the whole namespace. A policy in the mesh's <em>root
 * namespace</em> ({@value #DEFAULT_ROOT_NAMESPACE} unless the mesh is configured otherwise) applies to the
 * matching workloads of every namespace: that is how mesh-wide defaults are written.
 */
public interface WorkloadPolicy extends NamespacedResource {

    String DEFAULT_ROOT_NAMESPACE = "ambit-system";

    /** Labels a workload must all carry for the policy to apply; empty means every workload in scope. */
    Map<String, String> selector();

    default boolean appliesTo(Workload workload, String rootNamespace) {
        String namespace = name().namespace();
        return (namespace.equals(rootNamespace) || namespace.equals(workload.name().namespace()))
                && workload.labels().entrySet().containsAll(selector().entrySet());
    }
}
