package dev.ambit.api.model.route;

import dev.ambit.api.model.FieldValidator;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.NamespacedResource;
import dev.ambit.api.model.ServiceRef;
import java.util.List;

/**
 * A Gateway API {@code HTTPRoute}. Attached to services (the GAMMA mesh profile, {@link #parentRefs}): requests to
 * any of them are routed by the first rule that matches, by the waypoint that serves the service. Attached to ingress
 * Gateways ({@link #gatewayParentRefs}): requests arriving on the Gateway's listeners for one of {@link #hostnames}
 * (any host when empty) are routed by the same rules, by that ingress gateway. A route may have parents of both kinds.
 */
public record HttpRoute(NamespacedName name, List<ServiceRef> parentRefs, List<GatewayParentRef> gatewayParentRefs,
        List<String> hostnames, List<RouteRule> rules) implements NamespacedResource {

    public HttpRoute {
        FieldValidator v = FieldValidator.of("HttpRoute", name);
        v.required("name", name);
        parentRefs = v.distinct("parentRefs", v.list("parentRefs", parentRefs));
        gatewayParentRefs = v.distinct("gatewayParentRefs", v.list("gatewayParentRefs", gatewayParentRefs));
        v.check(!parentRefs.isEmpty() || !gatewayParentRefs.isEmpty(), "parentRefs", "must not be empty");
        hostnames = v.distinct("hostnames", v.list("hostnames", hostnames));
        for (int i = 0; i < hostnames.size(); i++) {
            String hostname = hostnames.get(i);
            // Gateway API: a lower-case DNS name, or one with a leading "*." label matching any one or more labels.
            v.dnsSubdomain(FieldValidator.index("hostnames", i),
                    hostname.startsWith("*.") ? hostname.substring(2) : hostname);
        }
        rules = v.list("rules", rules);
        v.check(!rules.isEmpty(), "rules", "must not be empty");
    }

    /** A mesh route: parents are services only, no hostnames (GAMMA ignores them). */
    public HttpRoute(NamespacedName name, List<ServiceRef> parentRefs, List<RouteRule> rules) {
        this(name, parentRefs, List.of(), List.of(), rules);
    }
}
