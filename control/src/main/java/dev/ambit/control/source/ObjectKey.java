package dev.ambit.control.source;

import io.fabric8.kubernetes.api.model.HasMetadata;

/** Identifies a Kubernetes object across its versions: kind, namespace (empty when cluster-scoped) and name. */
public record ObjectKey(String kind, String namespace, String name) {

    public static ObjectKey of(HasMetadata object) {
        String namespace = object.getMetadata().getNamespace();
        return new ObjectKey(object.getKind(), namespace == null ? "" : namespace, object.getMetadata().getName());
    }

    @Override
    public String toString() {
        return kind + " " + (namespace.isEmpty() ? name : namespace + "/" + name);
    }
}
