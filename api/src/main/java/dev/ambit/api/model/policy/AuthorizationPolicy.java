package dev.ambit.api.model.policy;

import dev.ambit.api.model.FieldValidator;
import dev.ambit.api.model.NamespacedName;
import java.util.List;
import java.util.Map;

/**
 * Allows or denies connections and requests to the workloads it applies to (see {@link WorkloadPolicy} for
 * which those are, including mesh-wide policies in the root namespace).
 *
 * <p>A request is denied if any DENY policy matches it; otherwise, if any ALLOW policy applies to the workload,
 * it is allowed only when one of them matches; with no ALLOW policy it is allowed. A policy matches when any of
 * its {@link #rules} does, so an ALLOW policy with no rules allows nothing.
 *
 * <p>The node tunnel sees connections, not requests: it cannot check L7 attributes (methods, paths, hosts,
 * {@code request.*} conditions). It treats a rule that needs them as not matching for ALLOW, and ignores the L7
 * parts for DENY, so that it always errs on the side of refusing; waypoints enforce the full rule.
 */
public record AuthorizationPolicy(
        NamespacedName name,
        Map<String, String> selector,
        Action action,
        List<AuthorizationRule> rules) implements WorkloadPolicy {

    public enum Action {
        ALLOW,
        DENY
    }

    public AuthorizationPolicy {
        FieldValidator v = FieldValidator.of("AuthorizationPolicy", name);
        v.required("name", name);
        selector = v.labels("selector", selector);
        v.required("action", action);
        rules = v.list("rules", rules);
    }
}
