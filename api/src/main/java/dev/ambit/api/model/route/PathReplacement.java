package dev.ambit.api.model.route;

import dev.ambit.api.model.FieldValidator;

/** A new path for a redirect or rewrite: the whole path, or only the prefix the rule's path match matched. */
public record PathReplacement(Kind kind, String value) {

    public enum Kind {
        FULL,
        /** Needs every match of the rule to be a {@link MatchType#PREFIX} path match. */
        PREFIX
    }

    public PathReplacement {
        FieldValidator v = FieldValidator.of("PathReplacement");
        v.required("kind", kind);
        v.check(v.printable("value", value, 1024).startsWith("/"), "value", "'" + value + "' does not start with '/'");
    }
}
