package dev.ambit.waypoint.inbound;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.waypoint.route.GatewayPort;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;

/**
 * A client byte stream handed to the waypoint: a TCP connection, or an HBONE CONNECT stream.
 *
 * @param channel     active, with {@code autoRead} off and no handlers the waypoint must keep
 * @param peer        the client's mTLS identity; empty for plaintext
 * @param destination where the client wanted to go (the CONNECT authority), when known
 * @param gatewayPort the ingress Gateway port it arrived on: requests are routed by the Gateway's routes for the
 *                    port's listener of their host, not by a destination service
 */
public record InboundConnection(Channel channel, Optional<SpiffeId> peer, Optional<InetSocketAddress> destination,
        Optional<GatewayPort> gatewayPort) {

    /** A connection to a service (HBONE or a plain listener in front of one). */
    public InboundConnection(Channel channel, Optional<SpiffeId> peer, Optional<InetSocketAddress> destination) {
        this(channel, peer, destination, Optional.empty());
    }

    /** A client's address as the access log and authorization name it: {@code ip:port}. */
    static String describe(SocketAddress remote) {
        return remote instanceof InetSocketAddress address
                ? address.getAddress().getHostAddress() + ":" + address.getPort()
                : String.valueOf(remote);
    }
}
