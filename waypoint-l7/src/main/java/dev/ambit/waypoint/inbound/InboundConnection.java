package dev.ambit.waypoint.inbound;

import dev.ambit.api.identity.SpiffeId;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * A client byte stream handed to the waypoint: a TCP connection, or an HBONE CONNECT stream.
 *
 * @param channel     active, with {@code autoRead} off and no handlers the waypoint must keep
 * @param peer        the client's mTLS identity; empty for plaintext
 * @param destination where the client wanted to go (the CONNECT authority), when known
 */
public record InboundConnection(Channel channel, Optional<SpiffeId> peer, Optional<InetSocketAddress> destination) {
}
