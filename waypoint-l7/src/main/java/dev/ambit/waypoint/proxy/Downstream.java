package dev.ambit.waypoint.proxy;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.waypoint.route.GatewayPort;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpObject;
import java.net.InetSocketAddress;
import java.util.Optional;

/** The client side of one exchange: an HTTP/1.1 connection between requests, or one HTTP/2 stream. */
public interface Downstream {

    EventLoop loop();

    ByteBufAllocator allocator();

    /** The mTLS identity of the client connection, empty for plaintext. */
    Optional<SpiffeId> peer();

    /** Where the client connected to (the HBONE CONNECT target), when known. */
    Optional<InetSocketAddress> destination();

    /** The ingress Gateway port the connection arrived on; empty at a waypoint. */
    Optional<GatewayPort> gatewayPort();

    String sourceAddress();

    String protocol();

    /** Asks for the next request message (body chunk or end); nothing arrives without it. */
    void read();

    /** Writes and flushes one response message; an HTTP/1.1 downstream frames the head itself. */
    void write(HttpObject message);

    boolean isWritable();

    /** The response ended; {@code requestComplete} when the whole request was read, so the connection may go on. */
    void done(boolean requestComplete);

    /** Aborts a response already under way: closes the HTTP/1.1 connection or resets the HTTP/2 stream. */
    void reset();
}
