package dev.ambit.runtime.startup;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.config.stream.ConfigConsumer;
import dev.ambit.api.config.stream.MeshConfig;
import dev.ambit.api.model.ConfigResource;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The config kinds a mesh process reads, declared with the code that reads them. The process is handed a view of
 * exactly these kinds ({@link MeshConfig#only}), so a kind read without being subscribed fails the first push
 * (NACKed, naming the kind) instead of reading as none.
 */
public final class ConfigSubscription {

    private final Set<ResourceType> kinds;
    private final ConfigConsumer consumer;

    private ConfigSubscription(Set<ResourceType> kinds, ConfigConsumer consumer) {
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("a config subscription needs at least one kind");
        }
        this.kinds = kinds;
        this.consumer = consumer;
    }

    /** {@code consumer} reads the kinds whose model classes are {@code kinds}, and only those. */
    public static ConfigSubscription reading(Collection<Class<? extends ConfigResource>> kinds,
            ConfigConsumer consumer) {
        Set<ResourceType> types = EnumSet.noneOf(ResourceType.class);
        kinds.forEach(modelType -> types.add(ResourceType.ofModel(modelType)));
        return new ConfigSubscription(types, consumer);
    }

    /** What the stream subscribes to, in {@link ResourceType} order. */
    public List<ResourceType> kinds() {
        return List.copyOf(kinds);
    }

    /** Hands the consumer {@code config}'s subscribed kinds; throws (rejecting it) as the consumer does. */
    public void apply(MeshConfig config) {
        consumer.apply(config.only(kinds));
    }
}
