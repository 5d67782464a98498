package dev.ambit.waypoint.route;

import dev.ambit.api.model.NamespacedName;
import java.util.Locale;
import java.util.Optional;

/**
 * One listener of an ingress Gateway, as the gateway serves it: requests arriving on it are routed by the routes
 * attached to the Gateway (all its listeners, or this one by name or port) whose hostnames match the request's host.
 *
 * @param hostname the listener's hostname ({@code *.example.com} allowed); empty for any host
 */
public record GatewayListener(NamespacedName gateway, String name, int port, Optional<String> hostname) {

    /**
     * Gateway API hostname matching of a request's host (no port, lower case) against a route's or listener's
     * hostname: equal, or {@code *.suffix} with at least one more label before the suffix.
     */
    public static boolean hostMatches(String pattern, String host) {
        if (pattern.startsWith("*.")) {
            return host.endsWith(pattern.substring(1)) && host.length() > pattern.length() - 1;
        }
        return pattern.equals(host);
    }

    /** The host of a {@code Host} header or {@code :authority}: no port, lower case. */
    public static String hostOf(String authority) {
        if (authority == null) {
            return "";
        }
        String host = authority;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            host = close < 0 ? host : host.substring(0, close + 1);
        } else {
            int colon = host.lastIndexOf(':');
            host = colon < 0 ? host : host.substring(0, colon);
        }
        return host.toLowerCase(Locale.ROOT);
    }

    /** Whether the listener takes a request for {@code host}. */
    public boolean takes(String host) {
        return hostname.isEmpty() || hostMatches(hostname.get(), host);
    }
}
