package dev.ambit.ztunnel.connections;

import dev.ambit.ztunnel.metrics.ConnectionLabels;
import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * One connection the tunnel relays now.
 *
 * @param id          unique within this tunnel process, in order of opening
 * @param protocol    how it reached or leaves the tunnel: over HBONE, or as plain TCP
 * @param source      where the tunnel sees it come from: the client pod (outbound, plaintext inbound) or the sending
 *                    node's tunnel (HBONE inbound)
 * @param destination where it goes: the original destination or the endpoint picked for a service
 * @param labels      direction and who talks to whom, as its metrics count it
 * @param opened      when the tunnel started relaying it
 */
public record LiveConnection(long id, Protocol protocol, InetSocketAddress source, InetSocketAddress destination,
        ConnectionLabels labels, Instant opened) {

    public enum Protocol { HBONE, TCP }
}
