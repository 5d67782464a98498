package dev.ambit.waypoint.inbound;

import dev.ambit.runtime.transport.ConnectionFailures;
import dev.ambit.runtime.transport.Listener;
import dev.ambit.runtime.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.function.Consumer;

/**
 * An inbound source that is one {@link Listener}, bound at {@link #start}: the plaintext and HBONE sources differ only
 * in how they bind it and what they learn of each connection.
 */
public abstract class ListenerSource implements InboundConnectionSource {

    private final Transport transport;
    private final EventLoopGroup group;
    private final InetSocketAddress address;
    private Listener listener;

    protected ListenerSource(Transport transport, EventLoopGroup group, InetSocketAddress address) {
        this.transport = transport;
        this.group = group;
        this.address = address;
    }

    /**
     * Binds, at {@code address} on {@code group}, the listener that hands each accepted connection to {@code sink}
     * and counts the ones it refuses in {@code failures}.
     */
    protected abstract Listener bind(Transport transport, EventLoopGroup group, InetSocketAddress address,
            Consumer<InboundConnection> sink, ConnectionFailures failures);

    @Override
    public final void start(Consumer<InboundConnection> sink, ConnectionFailures failures) {
        listener = bind(transport, group, address, sink, failures);
    }

    /** The bound address (the actual port when asked for port 0); only after {@link #start}. */
    public final InetSocketAddress address() {
        return listener.address();
    }

    @Override
    public final void close() {
        if (listener != null) {
            listener.stopAccepting();
        }
    }
}
