package dev.ambit.control.model;

import dev.ambit.api.config.v1.Resource;
import dev.ambit.api.model.ConfigResource;

/** One built config object: the model (for scoping decisions) and its versioned wire form (for pushes). */
public record ConfigEntry(ConfigResource model, Resource resource) {

    public String name() {
        return resource.getName();
    }

    public String version() {
        return resource.getVersion();
    }
}
