package dev.ambit.api.model.route;

/** How a route match compares a value. */
public enum MatchType {
    EXACT,
    /** For paths only, by whole segments: {@code /foo} matches {@code /foo} and {@code /foo/bar}, not {@code /foobar}. */
    PREFIX,
    /** A full match of a Java regex, at most {@value dev.ambit.api.model.FieldValidator#MAX_REGEX_LENGTH} characters. */
    REGEX
}
