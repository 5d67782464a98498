package dev.ambit.waypoint.route;

import dev.ambit.api.model.route.PathReplacement;

/** The path after a redirect's or rewrite's {@link PathReplacement}. */
public final class PathRewrite {

    private PathRewrite() {
    }

    /**
     * @param path          the request path without its query
     * @param matchedPrefix what the rule's PREFIX match matched ("" for "/")
     */
    public static String apply(PathReplacement replacement, String path, String matchedPrefix) {
        if (replacement.kind() == PathReplacement.Kind.FULL) {
            return replacement.value();
        }
        String rest = path.substring(Math.min(matchedPrefix.length(), path.length()));
        String prefix = replacement.value();
        if (prefix.endsWith("/") && rest.startsWith("/")) {
            rest = rest.substring(1);
        }
        String result = prefix + rest;
        return result.isEmpty() ? "/" : result;
    }
}
