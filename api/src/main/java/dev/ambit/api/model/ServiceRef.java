package dev.ambit.api.model;

import java.util.OptionalInt;

/** A reference to a service, or to one of its ports: route parents and backends, policy targets, mirrors. */
public record ServiceRef(NamespacedName service, OptionalInt port) {

    public ServiceRef {
        FieldValidator v = FieldValidator.of("ServiceRef");
        v.required("service", service);
        port = v.port("port", port);
    }

    public static ServiceRef of(NamespacedName service) {
        return new ServiceRef(service, OptionalInt.empty());
    }

    public static ServiceRef of(NamespacedName service, int port) {
        return new ServiceRef(service, OptionalInt.of(port));
    }

    @Override
    public String toString() {
        return port.isPresent() ? service + ":" + port.getAsInt() : service.toString();
    }
}
