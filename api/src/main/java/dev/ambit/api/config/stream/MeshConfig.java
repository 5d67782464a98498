package dev.ambit.api.config.stream;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.model.ConfigResource;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * An immutable view of all config a client holds: every resource by kind and name. A data plane swaps its whole
 * view for a new one on each accepted push, so readers never see half an update.
 */
public final class MeshConfig {

    public static final MeshConfig EMPTY = new MeshConfig(new EnumMap<>(ResourceType.class));

    private final Map<ResourceType, Map<String, ConfigResource>> resources;

    private MeshConfig(Map<ResourceType, Map<String, ConfigResource>> resources) {
        this.resources = resources;
    }

    /** This view with {@code type}'s resources replaced by {@code byName}. */
    MeshConfig with(ResourceType type, Map<String, ConfigResource> byName) {
        Map<ResourceType, Map<String, ConfigResource>> copy = new EnumMap<>(ResourceType.class);
        copy.putAll(resources);
        copy.put(type, Map.copyOf(byName));
        return new MeshConfig(copy);
    }

    public static MeshConfig of(Collection<? extends ConfigResource> all) {
        MeshConfig config = EMPTY;
        for (ResourceType type : ResourceType.values()) {
            Map<String, ConfigResource> byName = new java.util.HashMap<>();
            all.stream().filter(type.modelType()::isInstance).forEach(r -> byName.put(r.resourceName(), r));
            config = config.with(type, byName);
        }
        return config;
    }

    /** The resources of {@code type} by name; empty when none were received. */
    public Map<String, ConfigResource> resources(ResourceType type) {
        return resources.getOrDefault(type, Map.of());
    }

    /** The resources of the kind whose model class is {@code modelType}. */
    public <T extends ConfigResource> Collection<T> all(Class<T> modelType) {
        return resources(typeOf(modelType)).values().stream().map(modelType::cast).toList();
    }

    public <T extends ConfigResource> Optional<T> find(Class<T> modelType, String name) {
        return Optional.ofNullable(resources(typeOf(modelType)).get(name)).map(modelType::cast);
    }

    public int size() {
        return resources.values().stream().mapToInt(Map::size).sum();
    }

    private static ResourceType typeOf(Class<? extends ConfigResource> modelType) {
        for (ResourceType type : ResourceType.values()) {
            if (type.modelType() == modelType) {
                return type;
            }
        }
        throw new IllegalArgumentException("not a config kind: " + modelType.getName());
    }
}
