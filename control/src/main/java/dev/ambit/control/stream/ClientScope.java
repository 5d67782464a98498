package dev.ambit.control.stream;

import dev.ambit.api.config.ResourceType;
import dev.ambit.control.model.ConfigEntry;
import dev.ambit.control.model.ConfigSnapshot;
import java.util.Map;

/** What one client is entitled to and needs, per resource type, cut from a snapshot. */
interface ClientScope {

    /** By resource name. */
    Map<String, ConfigEntry> view(ResourceType type, ConfigSnapshot snapshot);
}
