package dev.ambit.api.config.stream;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.model.ConfigResource;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * An immutable view of all config a client holds: every resource by kind and name. A data plane swaps its whole
 * view for a new one on each accepted push, so readers never see half an update.
 *
 * <p>A view may be limited to some kinds ({@link #only}): reading any other kind from it fails. A data plane reads
 * its config through the view of the kinds it subscribed to, so reading a kind it never asked the controller for is
 * an error, not an empty list.
 */
public final class MeshConfig {

    public static final MeshConfig EMPTY = new MeshConfig(new EnumMap<>(ResourceType.class),
            EnumSet.allOf(ResourceType.class));

    private final Map<ResourceType, Map<String, ConfigResource>> resources;
    private final Set<ResourceType> readable;

    private MeshConfig(Map<ResourceType, Map<String, ConfigResource>> resources, Set<ResourceType> readable) {
        this.resources = resources;
        this.readable = readable;
    }

    /** This view with {@code type}'s resources replaced by {@code byName}. */
    MeshConfig with(ResourceType type, Map<String, ConfigResource> byName) {
        Map<ResourceType, Map<String, ConfigResource>> copy = new EnumMap<>(ResourceType.class);
        copy.putAll(resources);
        copy.put(type, Map.copyOf(byName));
        return new MeshConfig(copy, readable);
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

    /** This view limited to {@code kinds}: reading any other kind throws {@link IllegalStateException}. */
    public MeshConfig only(Collection<ResourceType> kinds) {
        Set<ResourceType> limited = kinds.isEmpty() ? EnumSet.noneOf(ResourceType.class) : EnumSet.copyOf(kinds);
        limited.retainAll(readable);
        Map<ResourceType, Map<String, ConfigResource>> held = new EnumMap<>(ResourceType.class);
        resources.forEach((type, byName) -> {
            if (limited.contains(type)) {
                held.put(type, byName);
            }
        });
        return new MeshConfig(held, limited);
    }

    /** The resources of {@code type} by name; empty when none were received. */
    public Map<String, ConfigResource> resources(ResourceType type) {
        if (!readable.contains(type)) {
            throw new IllegalStateException("config kind " + type.kind() + " is read but not subscribed to (subscribed: "
                    + readable.stream().map(ResourceType::kind).collect(Collectors.joining(", ")) + ")");
        }
        return resources.getOrDefault(type, Map.of());
    }

    /** The resources of the kind whose model class is {@code modelType}. */
    public <T extends ConfigResource> Collection<T> all(Class<T> modelType) {
        return resources(ResourceType.ofModel(modelType)).values().stream().map(modelType::cast).toList();
    }

    public <T extends ConfigResource> Optional<T> find(Class<T> modelType, String name) {
        return Optional.ofNullable(resources(ResourceType.ofModel(modelType)).get(name)).map(modelType::cast);
    }

    public int size() {
        return resources.values().stream().mapToInt(Map::size).sum();
    }
}
