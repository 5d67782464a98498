package dev.ambit.api.config.stream;

/** What a data plane does with each new config view. */
@FunctionalInterface
public interface ConfigConsumer {

    /**
     * Applies {@code config}. Throwing rejects it: the push is NACKed with the exception's message and the consumer
     * keeps what it had. Called on the stream's callback thread; must not block for long.
     */
    void apply(MeshConfig config);
}
