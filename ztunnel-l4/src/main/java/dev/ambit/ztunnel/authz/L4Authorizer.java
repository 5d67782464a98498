package dev.ambit.ztunnel.authz;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.policy.AuthorizationPolicy;
import dev.ambit.api.model.policy.AuthorizationRule;
import dev.ambit.api.model.policy.Condition;
import dev.ambit.api.model.policy.Operation;
import dev.ambit.api.model.policy.Source;
import java.util.List;
import java.util.Optional;

/**
 * Evaluates {@link AuthorizationPolicy AuthorizationPolicies} for a connection: DENY wins; with ALLOW policies in
 * scope one must match; with none, the connection is allowed.
 *
 * <p>A connection carries no request, so L7 parts (methods, paths, hosts, request conditions) and attributes the
 * tunnel cannot see (the source IP behind an HBONE peer, SNI) are judged so as to refuse when in doubt: an ALLOW rule
 * that needs them does not match, a DENY rule is taken as if they matched.
 */
public final class L4Authorizer {

    private L4Authorizer() {
    }

    public static Decision authorize(List<AuthorizationPolicy> policies, ConnectionAttributes connection) {
        for (AuthorizationPolicy policy : policies) {
            if (policy.action() == AuthorizationPolicy.Action.DENY && matches(policy, connection, false)) {
                return Decision.deny("denied by " + policy.name());
            }
        }
        boolean anyAllow = false;
        for (AuthorizationPolicy policy : policies) {
            if (policy.action() == AuthorizationPolicy.Action.ALLOW) {
                anyAllow = true;
                if (matches(policy, connection, true)) {
                    return Decision.allow("allowed by " + policy.name());
                }
            }
        }
        return anyAllow ? Decision.deny("no ALLOW policy matches") : Decision.allow("no policy applies");
    }

    /** A part the tunnel cannot check counts as matching for DENY and as not matching for ALLOW. */
    private static boolean matches(AuthorizationPolicy policy, ConnectionAttributes connection, boolean allow) {
        return policy.rules().stream().anyMatch(rule -> matches(rule, connection, !allow));
    }

    private static boolean matches(AuthorizationRule rule, ConnectionAttributes connection, boolean unknownMatches) {
        return (rule.from().isEmpty() || rule.from().stream().anyMatch(source -> matches(source, connection)))
                && (rule.to().isEmpty() || rule.to().stream().anyMatch(op -> matches(op, connection, unknownMatches)))
                && rule.when().stream().allMatch(condition -> matches(condition, connection, unknownMatches));
    }

    /** Without a principal (plaintext) the positive fields never match and the negative ones always do. */
    private static boolean matches(Source source, ConnectionAttributes connection) {
        Optional<SpiffeId> principal = connection.principal();
        Optional<String> namespace = connection.sourceNamespace();
        return (source.principals().isEmpty() || principal.filter(source.principals()::contains).isPresent())
                && principal.filter(source.notPrincipals()::contains).isEmpty()
                && (source.namespaces().isEmpty() || namespace.filter(source.namespaces()::contains).isPresent())
                && namespace.filter(source.notNamespaces()::contains).isEmpty();
    }

    private static boolean matches(Operation operation, ConnectionAttributes connection, boolean unknownMatches) {
        int port = connection.destination().getPort();
        boolean layer4 = (operation.ports().isEmpty() || operation.ports().contains(port))
                && !operation.notPorts().contains(port);
        boolean needsRequest = !operation.methods().isEmpty() || !operation.paths().isEmpty()
                || !operation.notPaths().isEmpty() || !operation.hosts().isEmpty();
        return layer4 && (!needsRequest || unknownMatches);
    }

    private static boolean matches(Condition condition, ConnectionAttributes connection, boolean unknownMatches) {
        Optional<String> value = switch (condition.key()) {
            case "source.principal" -> connection.principal().map(SpiffeId::uri);
            case "source.namespace" -> connection.sourceNamespace();
            case "destination.ip" -> Optional.of(connection.destination().getAddress().getHostAddress());
            case "destination.port" -> Optional.of(Integer.toString(connection.destination().getPort()));
            default -> null;
        };
        if (value == null) {
            return unknownMatches;
        }
        return (condition.values().isEmpty() || value.filter(condition.values()::contains).isPresent())
                && value.filter(condition.notValues()::contains).isEmpty();
    }
}
