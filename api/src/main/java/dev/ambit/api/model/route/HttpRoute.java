package dev.ambit.api.model.route;

import dev.ambit.api.model.FieldValidator;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.NamespacedResource;
import dev.ambit.api.model.ServiceRef;
import java.util.List;

/**
 * A Gateway API {@code HTTPRoute} attached to services (the GAMMA mesh profile): requests to any of
 * {@link #parentRefs} are routed by the first rule that matches, by the waypoint that serves the service.
 */
public record HttpRoute(NamespacedName name, List<ServiceRef> parentRefs, List<RouteRule> rules)
        implements NamespacedResource {

    public HttpRoute {
        FieldValidator v = FieldValidator.of("HttpRoute", name);
        v.required("name", name);
        parentRefs = v.distinct("parentRefs", v.list("parentRefs", parentRefs));
        v.check(!parentRefs.isEmpty(), "parentRefs", "must not be empty");
        rules = v.list("rules", rules);
        v.check(!rules.isEmpty(), "rules", "must not be empty");
    }
}
