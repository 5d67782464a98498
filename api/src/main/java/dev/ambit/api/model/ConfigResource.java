package dev.ambit.api.model;

/** A top-level config object, distributed on the config stream as one named, versioned resource. */
public interface ConfigResource {

    /** The name this object has on the config stream: {@code <namespace>/<name>}, or the uid of a workload. */
    String resourceName();
}
