package dev.ambit.api.model.policy;

import dev.ambit.api.model.FieldValidator;
import dev.ambit.api.model.NamespacedName;
import java.util.List;
import java.util.Map;

/**
 * Which JWTs the workloads it applies to accept (enforced at waypoints). A request with an invalid token is
 * rejected; a request with none passes, and an {@link AuthorizationPolicy} on {@code request.auth.*} decides
 * whether a token is required.
 */
public record RequestAuthentication(
        NamespacedName name,
        Map<String, String> selector,
        List<JwtRule> jwtRules) implements WorkloadPolicy {

    public RequestAuthentication {
        FieldValidator v = FieldValidator.of("RequestAuthentication", name);
        v.required("name", name);
        selector = v.labels("selector", selector);
        jwtRules = v.list("jwtRules", jwtRules);
        v.distinct("jwtRules", jwtRules.stream().map(JwtRule::issuer).toList());
    }
}
