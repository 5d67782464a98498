package dev.ambit.waypoint.route;

import dev.ambit.api.model.NamespacedName;

/** One port of one service: what a request is addressed to, and what a backend reference names. */
public record ServiceKey(NamespacedName service, int port) {

    @Override
    public String toString() {
        return service + ":" + port;
    }
}
