package dev.ambit.waypoint.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.HttpObject;
import java.util.function.BiConsumer;

/**
 * One request/response leased from a pool: an HTTP/1.1 connection for one exchange, or an HTTP/2 stream. Exactly one
 * of {@link #release} and {@link #abort} ends the lease.
 */
public final class UpstreamStream {

    private final Channel channel;
    private final UpstreamStreamHandler handler;
    private final BiConsumer<Channel, Boolean> onRelease;
    private boolean ended;

    UpstreamStream(Channel channel, UpstreamStreamHandler handler, BiConsumer<Channel, Boolean> onRelease) {
        this.channel = channel;
        this.handler = handler;
        this.onRelease = onRelease;
    }

    public void attach(UpstreamListener listener) {
        handler.attach(listener);
    }

    /** Queues one request message; nothing goes out before {@link #flush}. */
    public ChannelFuture write(HttpObject message) {
        return channel.write(message);
    }

    /** Sends what was written: once per batch, so that a head and its body leave in one segment. */
    public void flush() {
        channel.flush();
    }

    public boolean isWritable() {
        return channel.isWritable();
    }

    /** Asks for the next response message. */
    public void read() {
        handler.read();
    }

    /** The exchange completed; {@code reusable} when both sides ended cleanly and the backend keeps the connection. */
    public void release(boolean reusable) {
        if (!ended) {
            ended = true;
            handler.detach();
            onRelease.accept(channel, reusable);
        }
    }

    /** Ends the lease mid-exchange: the connection is closed, or the HTTP/2 stream reset. */
    public void abort() {
        if (!ended) {
            ended = true;
            handler.detach();
            channel.close();
        }
    }

    public Channel channel() {
        return channel;
    }
}
