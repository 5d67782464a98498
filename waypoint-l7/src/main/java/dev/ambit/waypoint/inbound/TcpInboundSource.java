package dev.ambit.waypoint.inbound;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.transport.ConnectionFailures;
import dev.ambit.runtime.transport.Listener;
import dev.ambit.runtime.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A plaintext listener: every accepted connection goes to the waypoint as is, with a fixed peer identity (for a
 * listener behind something that authenticated clients already, and for tests). At most {@code maxConnections}
 * are open at once; beyond that the {@link Listener} resets new ones and
 * counts them as {@code LISTENER_FULL}.
 */
public final class TcpInboundSource extends ListenerSource {

    private final Optional<SpiffeId> peer;
    private final int maxConnections;

    public TcpInboundSource(Transport transport, EventLoopGroup group, InetSocketAddress address,
            Optional<SpiffeId> peer, int maxConnections) {
        super(transport, group, address);
        this.peer = peer;
        this.maxConnections = maxConnections;
    }

    @Override
    protected Listener bind(Transport transport, EventLoopGroup group, InetSocketAddress address,
            Consumer<InboundConnection> sink, ConnectionFailures failures) {
        return Listener.bind("waypoint-http", transport.serverBootstrap(group), address, maxConnections,
                failures, channel -> sink.accept(new InboundConnection(channel, peer, Optional.empty())));
    }
}
