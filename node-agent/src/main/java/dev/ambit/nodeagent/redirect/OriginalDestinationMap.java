package dev.ambit.nodeagent.redirect;

import dev.ambit.host.bpf.BpfMap;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a steered connection was going: the tunnel calls {@link #lookup} with the peer address of
 * each accepted connection (the pod's ip:port). Backed by the {@code orig_by_peer} map, filled by
 * the sockops program when the pod's connection is established and emptied when the tunnel's socket closes.
 */
public final class OriginalDestinationMap implements AutoCloseable {

    static final String MAP_NAME = "orig_by_peer";

    private final BpfMap originalByPeer;

    OriginalDestinationMap(BpfMap originalByPeer) {
        this.originalByPeer = originalByPeer;
    }

    /** For a tunnel in another process than the agent: opens the agent's pinned map, read-only. */
    public static OriginalDestinationMap openPinned(Path pinRoot) {
        return new OriginalDestinationMap(BpfMap.openPinnedReadOnly(new PinLayout(pinRoot).map(MAP_NAME)));
    }

    /** @return the original destination, or empty when this connection was not steered */
    public Optional<InetSocketAddress> lookup(InetSocketAddress peer) {
        return originalByPeer.lookup(Endpoints.encode(peer)).map(Endpoints::decode);
    }

    @Override
    public void close() {
        originalByPeer.close();
    }
}
