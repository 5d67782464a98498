package dev.ambit.waypoint.route;

import dev.ambit.api.model.route.RequestRedirect;

/** Builds the {@code Location} of a {@link RequestRedirect}; parts it leaves empty keep the request's own. */
public final class Redirects {

    private Redirects() {
    }

    /**
     * @param host the request's host without port
     * @param port the request's port, or -1 when it named none
     */
    public static String location(RequestRedirect redirect, String scheme, String host, int port, String path,
            String query, String matchedPrefix) {
        String newScheme = redirect.scheme().orElse(scheme);
        String newHost = redirect.hostname().orElse(host);
        int newPort = redirect.port().isPresent() ? redirect.port().getAsInt()
                // A scheme change drops the old port: the new scheme's well-known one applies.
                : redirect.scheme().isPresent() && !redirect.scheme().get().equals(scheme) ? -1 : port;
        String newPath = redirect.path().map(p -> PathRewrite.apply(p, path, matchedPrefix)).orElse(path);
        StringBuilder location = new StringBuilder(newScheme).append("://").append(newHost);
        if (newPort > 0 && newPort != defaultPort(newScheme)) {
            location.append(':').append(newPort);
        }
        location.append(newPath);
        if (!query.isEmpty()) {
            location.append('?').append(query);
        }
        return location.toString();
    }

    private static int defaultPort(String scheme) {
        return "https".equals(scheme) ? 443 : 80;
    }
}
