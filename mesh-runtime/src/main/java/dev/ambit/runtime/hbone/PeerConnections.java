package dev.ambit.runtime.hbone;

import dev.ambit.api.identity.SpiffeId;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The HBONE connections each client identity holds to one server, capped per identity, so that one peer (a runaway
 * or compromised workload) cannot take all of the listener's connections. Shared by the connections of a listener,
 * which live on several event loops.
 */
final class PeerConnections {

    private final int maxPerPeer;
    private final ConcurrentMap<SpiffeId, Integer> open = new ConcurrentHashMap<>();

    PeerConnections(int maxPerPeer) {
        this.maxPerPeer = maxPerPeer;
    }

    int maxPerPeer() {
        return maxPerPeer;
    }

    /** Counts one more connection of {@code peer}, unless it already holds the maximum. */
    boolean tryOpen(SpiffeId peer) {
        boolean[] opened = new boolean[1];
        open.compute(peer, (id, count) -> {
            int current = count == null ? 0 : count;
            opened[0] = current < maxPerPeer;
            return opened[0] ? current + 1 : count;
        });
        return opened[0];
    }

    /** One connection counted by {@link #tryOpen} has closed. */
    void closed(SpiffeId peer) {
        open.computeIfPresent(peer, (id, count) -> count == 1 ? null : count - 1);
    }
}
