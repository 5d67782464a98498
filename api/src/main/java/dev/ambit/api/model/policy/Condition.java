package dev.ambit.api.model.policy;

import dev.ambit.api.model.FieldValidator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A check on one attribute of the request: its value must be one of {@link #values} (when any are given) and none
 * of {@link #notValues}.
 *
 * <p>Keys are {@code request.headers[<name>]}, {@code request.auth.claims[<claim>]} (nested claims as
 * {@code request.auth.claims[a][b]}), or one of {@link #ATTRIBUTES}.
 */
public record Condition(String key, List<String> values, List<String> notValues) {

    public static final Set<String> ATTRIBUTES = Set.of(
            "source.ip", "source.namespace", "source.principal", "destination.ip", "destination.port",
            "connection.sni", "request.auth.principal", "request.auth.audiences", "request.auth.presenter");

    private static final Pattern HEADER = Pattern.compile("request\\.headers\\[[!#$%&'*+.^_`|~0-9A-Za-z-]+]");
    private static final Pattern CLAIM = Pattern.compile("request\\.auth\\.claims(\\[[^\\[\\]]+])+");

    public Condition {
        FieldValidator v = FieldValidator.of("Condition");
        v.check(ATTRIBUTES.contains(v.required("key", key)) || HEADER.matcher(key).matches()
                || CLAIM.matcher(key).matches(), "key", "'" + key + "' is not a supported attribute");
        values = v.list("values", values);
        notValues = v.list("notValues", notValues);
        v.check(!values.isEmpty() || !notValues.isEmpty(), "values", "values or notValues must be set");
    }
}
