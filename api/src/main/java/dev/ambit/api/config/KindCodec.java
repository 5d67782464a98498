package dev.ambit.api.config;

import dev.ambit.api.config.v1.Resource;
import dev.ambit.api.model.ConfigResource;

/** Converts one kind of config between the model and the body of a {@link Resource}. */
abstract class KindCodec<M extends ConfigResource> {

    private final Class<M> modelType;

    KindCodec(Class<M> modelType) {
        this.modelType = modelType;
    }

    /** Sets the body of {@code resource}; {@code model} must be of this codec's kind. */
    final void encodeBody(ConfigResource model, Resource.Builder resource) {
        encode(modelType.cast(model), resource);
    }

    abstract void encode(M model, Resource.Builder resource);

    /** Reads the body, which the caller has checked is of this codec's kind, and validates it. */
    abstract M decode(Resource resource);
}
