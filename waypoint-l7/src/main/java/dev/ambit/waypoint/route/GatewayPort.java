package dev.ambit.waypoint.route;

import dev.ambit.api.model.NamespacedName;
import java.util.List;
import java.util.Optional;

/**
 * The listeners of an ingress Gateway on one port, which share its socket (Gateway API allows several, one per
 * hostname): a request belongs to the one whose hostname names its host most specifically.
 */
public record GatewayPort(NamespacedName gateway, int port, List<GatewayListener> listeners) {

    public GatewayPort {
        listeners = List.copyOf(listeners);
        for (GatewayListener listener : listeners) {
            if (!listener.gateway().equals(gateway) || listener.port() != port) {
                throw new IllegalArgumentException("listener " + listener.name() + " is not on " + gateway + ":" + port);
            }
        }
    }

    /** The listener for {@code host} (no port, lower case): an exact hostname, else the longest wildcard, else any. */
    public Optional<GatewayListener> listenerFor(String host) {
        GatewayListener best = null;
        int bestRank = -1;
        for (GatewayListener listener : listeners) {
            int rank = listener.hostname().map(hostname -> !GatewayListener.hostMatches(hostname, host) ? -1
                    : hostname.startsWith("*.") ? hostname.length() : Integer.MAX_VALUE).orElse(0);
            if (rank > bestRank) {
                best = listener;
                bestRank = rank;
            }
        }
        return Optional.ofNullable(best);
    }
}
