package dev.ambit.api.model.route;

import dev.ambit.api.model.FieldValidator;

/**
 * Matches a request header or, where a route uses it for one, a query parameter (Gateway API names both with
 * the same rules). Only {@link MatchType#EXACT} and {@link MatchType#REGEX} apply.
 */
public record HeaderMatch(String name, MatchType type, String value) {

    public HeaderMatch {
        FieldValidator v = FieldValidator.of("HeaderMatch");
        v.token("name", name);
        v.check(v.required("type", type) != MatchType.PREFIX, "type", "PREFIX only applies to paths");
        if (type == MatchType.REGEX) {
            v.regex("value", value);
        } else {
            v.headerValue("value", value);
        }
    }
}
