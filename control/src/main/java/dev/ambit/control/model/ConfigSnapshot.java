package dev.ambit.control.model;

import dev.ambit.api.config.ResourceType;
import java.util.EnumMap;
import java.util.Map;

/**
 * The whole built config at one moment, immutable: every client's view is cut from a snapshot, so a push never
 * mixes two states.
 */
public final class ConfigSnapshot {

    public static final ConfigSnapshot EMPTY = new ConfigSnapshot(0, 0, new EnumMap<>(ResourceType.class));

    private final long version;
    private final long changedAtNanos;
    private final Map<ResourceType, Map<String, ConfigEntry>> resources;
    private volatile MeshIndex index;

    ConfigSnapshot(long version, long changedAtNanos, EnumMap<ResourceType, Map<String, ConfigEntry>> resources) {
        this.version = version;
        this.changedAtNanos = changedAtNanos;
        this.resources = resources;
    }

    /** Increases with every published change; for logs and {@code system_version_info}. */
    public long version() {
        return version;
    }

    /** {@link System#nanoTime()} of the oldest source change this snapshot is the first to include. */
    public long changedAtNanos() {
        return changedAtNanos;
    }

    /** By resource name. */
    public Map<String, ConfigEntry> resources(ResourceType type) {
        return resources.getOrDefault(type, Map.of());
    }

    public MeshIndex index() {
        MeshIndex built = index;
        if (built == null) {
            // Racing builders compute the same index; the waste is bounded and beats a lock on the push path.
            built = new MeshIndex(this);
            index = built;
        }
        return built;
    }
}
