package dev.ambit.api.model;

/** A config object named by namespace and name, which is also its resource name. */
public interface NamespacedResource extends ConfigResource {

    NamespacedName name();

    @Override
    default String resourceName() {
        return name().toString();
    }
}
