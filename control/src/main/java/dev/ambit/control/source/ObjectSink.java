package dev.ambit.control.source;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * Where a source delivers the Kubernetes objects it sees, the same typed objects whether they come from the API
 * server or from YAML files: one model is built from either. Callable from any thread.
 */
public interface ObjectSink {

    void upsert(HasMetadata object);

    /** {@code object} is gone; its last known state. */
    void delete(HasMetadata object);

    /** The named source has delivered its whole initial state; config is served once every source has. */
    void synced(String source);
}
