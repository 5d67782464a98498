package dev.ambit.ztunnel.connections;

import dev.ambit.ztunnel.metrics.ConnectionLabels;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The connections the tunnel relays now, for its admin endpoint. A relayed connection is added once when its bridge
 * is built and leaves when either of its two channels closes, whatever closed it; the data path pays one map put and
 * one remove per connection, nothing per byte.
 */
public final class LiveConnections {

    private final Map<Long, LiveConnection> open = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final Clock clock;

    public LiveConnections(Clock clock) {
        this.clock = clock;
    }

    /** Lists the connection relayed between {@code clientSide} and {@code serverSide} until one of them closes. */
    public void track(Channel clientSide, Channel serverSide, LiveConnection.Protocol protocol,
            InetSocketAddress source, InetSocketAddress destination, ConnectionLabels labels) {
        ChannelFutureListener forget = add(protocol, source, destination, labels);
        clientSide.closeFuture().addListener(forget);
        serverSide.closeFuture().addListener(forget);
    }

    /**
     * Lists the connection relayed to {@code relayed} until it closes: a socket whose other end is a stream relayed
     * at the frame level, which closes the socket whenever the stream ends.
     */
    public void track(Channel relayed, LiveConnection.Protocol protocol, InetSocketAddress source,
            InetSocketAddress destination, ConnectionLabels labels) {
        relayed.closeFuture().addListener(add(protocol, source, destination, labels));
    }

    /**
     * Lists a connection and returns what forgets it. Listeners on a channel already closed run at once: a
     * connection that ended meanwhile is not kept.
     */
    private ChannelFutureListener add(LiveConnection.Protocol protocol, InetSocketAddress source,
            InetSocketAddress destination, ConnectionLabels labels) {
        long id = ids.incrementAndGet();
        open.put(id, new LiveConnection(id, protocol, source, destination, labels, clock.instant()));
        return future -> open.remove(id);
    }

    /** The connections open now, oldest first. */
    public List<LiveConnection> snapshot() {
        return open.values().stream().sorted(Comparator.comparingLong(LiveConnection::id)).toList();
    }

    public int size() {
        return open.size();
    }
}
