package dev.ambit.api.model.route;

import dev.ambit.api.model.FieldValidator;

/** Matches the request path, without its query string. */
public record PathMatch(MatchType type, String value) {

    private static final int MAX_PATH_LENGTH = 1024;

    public PathMatch {
        FieldValidator v = FieldValidator.of("PathMatch");
        if (v.required("type", type) == MatchType.REGEX) {
            v.regex("value", value);
        } else {
            v.printable("value", value, MAX_PATH_LENGTH);
            v.check(value.startsWith("/"), "value", "'" + value + "' does not start with '/'");
            v.check(value.indexOf('?') < 0 && value.indexOf('#') < 0, "value",
                    "'" + value + "' has a query or fragment");
        }
    }

    public static PathMatch prefix(String prefix) {
        return new PathMatch(MatchType.PREFIX, prefix);
    }
}
