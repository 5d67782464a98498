package dev.ambit.api.model.route;

import dev.ambit.api.model.FieldValidator;
import dev.ambit.api.model.NamespacedName;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A route's parent that is an ingress {@code Gateway} (north-south) rather than a service (GAMMA): requests that
 * arrive on the Gateway's listeners are routed by the route's rules. {@code sectionName} and {@code port} narrow it
 * to one listener, as in Gateway API.
 */
public record GatewayParentRef(NamespacedName gateway, Optional<String> sectionName, OptionalInt port) {

    public GatewayParentRef {
        FieldValidator v = FieldValidator.of("GatewayParentRef");
        v.required("gateway", gateway);
        sectionName = v.optional(sectionName);
        sectionName.ifPresent(section -> v.dnsSubdomain("sectionName", section));
        port = v.port("port", port);
    }

    public static GatewayParentRef of(NamespacedName gateway) {
        return new GatewayParentRef(gateway, Optional.empty(), OptionalInt.empty());
    }

    @Override
    public String toString() {
        return gateway + sectionName.map(section -> "/" + section).orElse("")
                + (port.isPresent() ? ":" + port.getAsInt() : "");
    }
}
