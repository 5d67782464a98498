package dev.ambit.waypoint.authz;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.policy.AuthorizationPolicy;
import java.util.Comparator;
import java.util.List;

/**
 * The L7 {@link AuthorizationPolicy}s of one service: denied if any DENY policy matches; otherwise, when there are
 * ALLOW policies, allowed only if one matches; with none, allowed.
 */
public final class AuthorizationEngine {

    private record CompiledPolicy(NamespacedName name, List<RuleMatcher> rules) {

        boolean matches(AuthzRequest request) {
            return rules.stream().anyMatch(rule -> rule.matches(request));
        }
    }

    public static final AuthorizationEngine ALLOW_ALL = new AuthorizationEngine(List.of(), List.of());

    private final List<CompiledPolicy> deny;
    private final List<CompiledPolicy> allow;

    private AuthorizationEngine(List<CompiledPolicy> deny, List<CompiledPolicy> allow) {
        this.deny = deny;
        this.allow = allow;
    }

    public static AuthorizationEngine of(List<AuthorizationPolicy> policies) {
        List<AuthorizationPolicy> sorted = policies.stream().sorted(Comparator.comparing(AuthorizationPolicy::name))
                .toList();
        return new AuthorizationEngine(compile(sorted, AuthorizationPolicy.Action.DENY),
                compile(sorted, AuthorizationPolicy.Action.ALLOW));
    }

    /** No policies: every request is allowed, whatever it is, so callers need not describe it. */
    public boolean allowsAll() {
        return deny.isEmpty() && allow.isEmpty();
    }

    public AuthzDecision decide(AuthzRequest request) {
        for (CompiledPolicy policy : deny) {
            if (policy.matches(request)) {
                return AuthzDecision.deny("denied by policy " + policy.name());
            }
        }
        if (allow.isEmpty() || allow.stream().anyMatch(policy -> policy.matches(request))) {
            return AuthzDecision.ALLOW;
        }
        return AuthzDecision.deny("no ALLOW policy matched");
    }

    private static List<CompiledPolicy> compile(List<AuthorizationPolicy> policies, AuthorizationPolicy.Action action) {
        return policies.stream()
                .filter(policy -> policy.action() == action)
                .map(policy -> new CompiledPolicy(policy.name(), policy.rules().stream().map(RuleMatcher::new).toList()))
                .toList();
    }
}
