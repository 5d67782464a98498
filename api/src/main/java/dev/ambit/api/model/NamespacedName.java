package dev.ambit.api.model;

/** A Kubernetes object's namespace and name; written {@code <namespace>/<name>}, which is also its resource name. */
public record NamespacedName(String namespace, String name) implements Comparable<NamespacedName> {

    public NamespacedName {
        FieldValidator v = FieldValidator.of("NamespacedName");
        v.dnsLabel("namespace", namespace);
        v.dnsSubdomain("name", name);
    }

    public static NamespacedName of(String namespace, String name) {
        return new NamespacedName(namespace, name);
    }

    /** Parses {@code <namespace>/<name>}. */
    public static NamespacedName parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash < 0) {
            throw new InvalidConfigException("", "", "'" + text + "' is not of the form <namespace>/<name>");
        }
        return new NamespacedName(text.substring(0, slash), text.substring(slash + 1));
    }

    @Override
    public int compareTo(NamespacedName other) {
        int byNamespace = namespace.compareTo(other.namespace);
        return byNamespace != 0 ? byNamespace : name.compareTo(other.name);
    }

    @Override
    public String toString() {
        return namespace + "/" + name;
    }
}
