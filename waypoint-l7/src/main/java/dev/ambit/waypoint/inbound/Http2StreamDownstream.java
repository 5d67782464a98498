package dev.ambit.waypoint.inbound;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.waypoint.proxy.Downstream;
import dev.ambit.waypoint.proxy.RequestExchange;
import dev.ambit.waypoint.route.GatewayPort;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client end of one HTTP/2 stream: one exchange, framed by the stream itself. The request's body waits here
 * until the exchange asks for it ({@link #read}); the response goes out as frames ({@link Http2ResponseFrames}).
 * The stream ends with the response; one whose request was not read to its end is then reset.
 */
final class Http2StreamDownstream implements Downstream {

    private static final Logger log = LoggerFactory.getLogger(Http2StreamDownstream.class);

    private final Http2Downstreams connection;
    private final ChannelHandlerContext ctx;
    private final Http2Stream stream;
    private final Http2ResponseFrames frames;
    /** The exchange under way; null once it is done, and then the rest of the request is dropped. */
    private RequestExchange exchange;
    /** Request body parts read off the connection, not yet taken by the exchange. */
    private ArrayDeque<HttpContent> pending;
    private boolean readWanted;
    private boolean delivering;

    Http2StreamDownstream(Http2Downstreams connection, ChannelHandlerContext ctx, Http2Stream stream) {
        this.connection = connection;
        this.ctx = ctx;
        this.stream = stream;
        this.frames = new Http2ResponseFrames(connection, ctx, stream.id());
    }

    /** HEADERS opened the stream: the exchange starts, and a request without a body is complete at once. */
    void onRequestHead(Http2Headers headers, boolean endOfStream) throws Http2Exception {
        // No Transfer-Encoding as Netty's HTTP/2-to-HTTP/1 codec adds: admission strips it as hop-by-hop, and the
        // exchange frames the body for an HTTP/1.1 upstream itself.
        HttpRequest request = HttpConversionUtil.toHttpRequest(stream.id(), headers, true);
        try {
            exchange = RequestExchange.create(connection.env(), this, request, !endOfStream);
            RequestExchange started = exchange;
            started.begin();
            if (endOfStream) {
                // May find the exchange already done (a local answer); it then drops the end.
                started.onRequestContent(new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER));
            }
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /** A DATA frame: held until the exchange asks; returns how many of its bytes are held (not yet consumed). */
    int onData(ByteBuf data, boolean endOfStream) {
        if (exchange == null) {
            return 0;
        }
        int bytes = data.readableBytes();
        hold(endOfStream ? new DefaultLastHttpContent(data.retain()) : new DefaultHttpContent(data.retain()));
        return bytes;
    }

    void onTrailers(Http2Headers headers) throws Http2Exception {
        if (exchange == null) {
            return;
        }
        LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
        HttpConversionUtil.addHttp2ToHttpHeaders(stream.id(), headers, last.trailingHeaders(), HttpVersion.HTTP_1_1,
                true, true);
        hold(last);
    }

    private void hold(HttpContent content) {
        if (pending == null) {
            pending = new ArrayDeque<>(4);
        }
        pending.add(content);
        deliver();
    }

    /** Hands the exchange one held part per {@link #read}; the exchange may ask for the next while taking one. */
    private void deliver() {
        if (delivering) {
            return;
        }
        delivering = true;
        try {
            while (readWanted && exchange != null && pending != null && !pending.isEmpty()) {
                readWanted = false;
                HttpContent content = pending.poll();
                connection.consumed(ctx, stream, content.content().readableBytes());
                exchange.onRequestContent(content);
            }
        } catch (RuntimeException e) {
            failed(e);
        } finally {
            delivering = false;
        }
    }

    /** The stream closed: by a reset from the client, by the connection's end, or after the response's end. */
    void streamClosed() {
        RequestExchange abandoned = exchange;
        exchange = null;
        releasePending();
        // After the response's last frame the exchange is ending on its own; before it, the client went away.
        if (abandoned != null && !frames.ended()) {
            abandoned.onDownstreamClosed();
        }
    }

    void writabilityChanged() {
        if (exchange != null && isWritable()) {
            exchange.onDownstreamWritable();
        }
    }

    /** A failure of the exchange's own: the stream is reset, the connection and its other streams go on. */
    private void failed(RuntimeException cause) {
        log.debug("event=downstream_error source={} error=\"{}\"", sourceAddress(), cause.toString());
        frames.reset(Http2Error.INTERNAL_ERROR);
    }

    private void releasePending() {
        if (pending != null) {
            HttpContent content;
            while ((content = pending.poll()) != null) {
                content.release();
            }
        }
    }

    // ---- Downstream

    @Override
    public EventLoop loop() {
        return ctx.channel().eventLoop();
    }

    @Override
    public ByteBufAllocator allocator() {
        return ctx.alloc();
    }

    @Override
    public Optional<SpiffeId> peer() {
        return connection.inbound().peer();
    }

    @Override
    public Optional<InetSocketAddress> destination() {
        return connection.inbound().destination();
    }

    @Override
    public Optional<GatewayPort> gatewayPort() {
        return connection.inbound().gatewayPort();
    }

    @Override
    public String sourceAddress() {
        return connection.sourceAddress(ctx);
    }

    @Override
    public String protocol() {
        return "HTTP/2";
    }

    @Override
    public void read() {
        readWanted = true;
        deliver();
    }

    @Override
    public void write(HttpObject message) {
        frames.write(message);
    }

    @Override
    public boolean isWritable() {
        return connection.encoder().flowController().isWritable(stream);
    }

    @Override
    public void done(boolean requestComplete) {
        exchange = null;
        releasePending();
        if (stream.state().remoteSideOpen()) {
            // The client is still sending a request that was answered without it: it may stop.
            ChannelFuture last = frames.lastWrite();
            last.addListener(written -> frames.reset(Http2Error.CANCEL));
        }
    }

    @Override
    public void reset() {
        // The exchange resets its own stream and records that itself: the close is not news to it.
        exchange = null;
        releasePending();
        frames.reset(Http2Error.CANCEL);
    }
}
