package dev.ambit.waypoint.authz;

/**
 * A policy value pattern: exact, {@code *suffix}, {@code prefix*}, or {@code *} for any value. Host patterns compare
 * without case.
 */
final class StringPattern {

    private final String pattern;
    private final boolean ignoreCase;

    StringPattern(String pattern, boolean ignoreCase) {
        this.pattern = ignoreCase ? pattern.toLowerCase(java.util.Locale.ROOT) : pattern;
        this.ignoreCase = ignoreCase;
    }

    boolean matches(String value) {
        if (value == null) {
            return false;
        }
        String candidate = ignoreCase ? value.toLowerCase(java.util.Locale.ROOT) : value;
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.startsWith("*")) {
            return candidate.endsWith(pattern.substring(1));
        }
        if (pattern.endsWith("*")) {
            return candidate.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return candidate.equals(pattern);
    }
}
