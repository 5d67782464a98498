package dev.ambit.ztunnel.outbound;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Where a redirected connection was meant to go. The node agent answers from its eBPF maps (keyed by the client's
 * address); tests answer from a map.
 */
@FunctionalInterface
public interface OriginalDestinationLookup {

    /**
     * @param client   the accepted connection's remote address (the pod's socket)
     * @param listener the accepted connection's local address (the tunnel's listener)
     * @return the address the client connected to, or empty when the connection was not redirected by us
     */
    Optional<InetSocketAddress> originalDestination(InetSocketAddress client, InetSocketAddress listener);
}
