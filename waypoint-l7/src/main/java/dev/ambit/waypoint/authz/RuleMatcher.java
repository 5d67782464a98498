package dev.ambit.waypoint.authz;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.policy.AuthorizationRule;
import dev.ambit.api.model.policy.Condition;
import dev.ambit.api.model.policy.Operation;
import dev.ambit.api.model.policy.Source;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One compiled {@link AuthorizationRule}: any source, any operation, and every condition must match. */
final class RuleMatcher {

    private static final Pattern HEADER = Pattern.compile("request\\.headers\\[(.+)]");
    private static final Pattern CLAIM_SEGMENT = Pattern.compile("\\[([^\\[\\]]+)]");
    private static final String CLAIMS = "request.auth.claims";

    private final AuthorizationRule rule;

    RuleMatcher(AuthorizationRule rule) {
        this.rule = rule;
    }

    boolean matches(AuthzRequest request) {
        return (rule.from().isEmpty() || rule.from().stream().anyMatch(source -> matches(source, request)))
                && (rule.to().isEmpty() || rule.to().stream().anyMatch(operation -> matches(operation, request)))
                && rule.when().stream().allMatch(condition -> matches(condition, request));
    }

    private static boolean matches(Source source, AuthzRequest request) {
        Optional<SpiffeId> peer = request.peer();
        String namespace = peer.map(SpiffeId::namespace).orElse(null);
        return (source.principals().isEmpty() || (peer.isPresent() && source.principals().contains(peer.get())))
                && (peer.isEmpty() || !source.notPrincipals().contains(peer.get()))
                // Plaintext has no namespace, so it is in none of them (and the lists refuse a null lookup).
                && (source.namespaces().isEmpty() || (namespace != null && source.namespaces().contains(namespace)))
                && (namespace == null || !source.notNamespaces().contains(namespace));
    }

    private static boolean matches(Operation operation, AuthzRequest request) {
        return (operation.ports().isEmpty() || request.ports().stream().anyMatch(operation.ports()::contains))
                && request.ports().stream().noneMatch(operation.notPorts()::contains)
                && (operation.methods().isEmpty() || operation.methods().contains(request.method()))
                && (operation.paths().isEmpty() || anyPattern(operation.paths(), request.path(), false))
                && !anyPattern(operation.notPaths(), request.path(), false)
                && (operation.hosts().isEmpty() || anyPattern(operation.hosts(), request.host(), true));
    }

    private static boolean anyPattern(List<String> patterns, String value, boolean ignoreCase) {
        for (String pattern : patterns) {
            if (new StringPattern(pattern, ignoreCase).matches(value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(Condition condition, AuthzRequest request) {
        List<String> actual = values(condition.key(), request);
        boolean inValues = condition.values().isEmpty() || actual.stream().anyMatch(v -> anyPattern(
                condition.values(), v, false));
        boolean inNotValues = actual.stream().anyMatch(v -> anyPattern(condition.notValues(), v, false));
        return inValues && !inNotValues;
    }

    /** The attribute's values; an absent attribute has none, so it never matches {@code values}. */
    private static List<String> values(String key, AuthzRequest request) {
        Matcher header = HEADER.matcher(key);
        if (header.matches()) {
            return request.headers().getAll(header.group(1));
        }
        if (key.startsWith(CLAIMS + "[")) {
            return claim(request.claims(), key.substring(CLAIMS.length()));
        }
        Optional<SpiffeId> peer = request.peer();
        return switch (key) {
            case "source.ip" -> List.of(request.sourceIp());
            case "source.namespace" -> peer.map(id -> List.of(id.namespace())).orElse(List.of());
            case "source.principal" -> peer.map(id -> List.of(id.uri())).orElse(List.of());
            case "destination.ip" -> List.of(request.destinationIp());
            case "destination.port" -> request.ports().stream().map(String::valueOf).toList();
            case "request.auth.principal" -> request.claims().containsKey("iss") && request.claims().containsKey("sub")
                    ? List.of(request.claims().get("iss") + "/" + request.claims().get("sub")) : List.of();
            case "request.auth.audiences" -> flatten(request.claims().get("aud"));
            case "request.auth.presenter" -> flatten(request.claims().get("azp"));
            default -> List.of();
        };
    }

    private static List<String> claim(Map<String, Object> claims, String path) {
        Object current = claims;
        Matcher segment = CLAIM_SEGMENT.matcher(path);
        while (segment.find()) {
            if (!(current instanceof Map<?, ?> map)) {
                return List.of();
            }
            current = map.get(segment.group(1));
        }
        return flatten(current);
    }

    private static List<String> flatten(Object value) {
        if (value == null || value instanceof Map<?, ?>) {
            return List.of();
        }
        if (value instanceof Collection<?> list) {
            List<String> values = new ArrayList<>(list.size());
            list.forEach(item -> values.add(String.valueOf(item)));
            return values;
        }
        return List.of(String.valueOf(value));
    }
}
