package dev.ambit.waypoint.inbound;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.waypoint.http.LocalReply;
import dev.ambit.waypoint.http.RequestFraming;
import dev.ambit.waypoint.proxy.Downstream;
import dev.ambit.waypoint.proxy.ExchangeEnvironment;
import dev.ambit.waypoint.proxy.RequestExchange;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import dev.ambit.waypoint.route.GatewayPort;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client end of exchanges: one per HTTP/1.1 connection (requests one after another, keep-alive) or one per
 * HTTP/2 stream. Refuses malformed and ambiguous requests before anything is forwarded, enforces the headers timeout
 * (slowloris), frames HTTP/1.1 responses, and reads only when the current exchange asks.
 */
final class DownstreamHandler extends ChannelInboundHandlerAdapter implements Downstream {

    private static final Logger log = LoggerFactory.getLogger(DownstreamHandler.class);
    static final AttributeKey<InboundConnection> CONNECTION = AttributeKey.valueOf("ambit.inbound");

    private final ExchangeEnvironment env;
    private final boolean http2;
    private ChannelHandlerContext ctx;
    private InboundConnection connection;
    private RequestExchange current;
    private ScheduledFuture<?> headersTimer;
    private ChannelFuture lastWrite;
    private String sourceAddress;
    /** The current HTTP/1.x request's response framing; null on an HTTP/2 stream. */
    private Http1ResponseFraming framing;
    /** The current request's head says there is no body: its end needs no read before the next request. */
    private boolean bodyless;
    private boolean inputShutdown;
    /** A read was asked for and no message came yet: asked again at read-complete, which drops unmet demand. */
    private boolean readWanted;

    DownstreamHandler(ExchangeEnvironment env, boolean http2) {
        this.env = env;
        this.http2 = http2;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        Channel connectionChannel = http2 ? ctx.channel().parent() : ctx.channel();
        this.connection = connectionChannel.attr(CONNECTION).get();
        if (!http2) {
            armHeadersTimer();
        }
        if (ctx.channel().isActive()) {
            read();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (readWanted) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readWanted = false;
        if (msg instanceof HttpRequest request) {
            onRequestHead(request);
        } else if (msg instanceof HttpContent content) {
            if (current != null) {
                current.onRequestContent(content);
            } else {
                // The rest of a request already answered locally (or refused by Expect): dropped.
                content.release();
                if (content instanceof LastHttpContent && !http2) {
                    read();
                }
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onRequestHead(HttpRequest request) {
        cancelHeadersTimer();
        if (request.decoderResult().isFailure()) {
            ReferenceCountUtil.release(request);
            Throwable cause = request.decoderResult().cause();
            refuse(MalformedRequests.status(cause), MalformedRequests.reason(cause));
            return;
        }
        String violation = http2 ? null : RequestFraming.violation(request);
        if (violation != null || current != null) {
            ReferenceCountUtil.release(request);
            refuse(HttpResponseStatus.BAD_REQUEST, violation != null ? violation : "request before the last one ended");
            return;
        }
        if (!http2) {
            framing = new Http1ResponseFraming(request);
        }
        if (request instanceof FullHttpRequest full) {
            // HTTP/2 HEADERS with END_STREAM: a head and an empty end, handled like any other request.
            HttpRequest head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
            bodyless = !full.content().isReadable();
            RequestExchange exchange = start(head);
            exchange.onRequestContent(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
            return;
        }
        bodyless = !http2 && !HttpUtil.isTransferEncodingChunked(request) && HttpUtil.getContentLength(request, 0L) == 0;
        start(request);
    }

    /** The exchange may finish (and {@link #done} clear it) before this returns. */
    private RequestExchange start(HttpRequest head) {
        RequestExchange exchange = RequestExchange.create(env, this, head, !bodyless);
        current = exchange;
        exchange.begin();
        return exchange;
    }

    /** Answers a request that cannot be parsed or trusted, and closes: the rest of the stream cannot be framed. */
    private void refuse(HttpResponseStatus status, String reason) {
        log.debug("event=request_refused status={} reason=\"{}\" source={}", status.code(), reason, sourceAddress());
        FullHttpResponse response = LocalReply.of(ctx.alloc(), status, reason, false);
        if (http2 || current != null) {
            // An HTTP/2 stream ends with the response (reset if the request was not all read); an exchange under
            // way learns of the close.
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(response);
        endConnection();
    }

    /** Ends the HTTP/1.x connection after what was written so far, without a reset ({@link LingeringClose}). */
    private void endConnection() {
        cancelHeadersTimer();
        ctx.pipeline().replace(this, "h1-linger", new LingeringClose(inputShutdown, env.limits().closeLinger()));
    }

    private void armHeadersTimer() {
        ReadActivity activity = ctx.pipeline().get(ReadActivity.class);
        if (activity != null) {
            activity.mark();
        }
        headersTimer = ctx.executor().schedule(this::headersTimedOut, env.limits().headersTimeout().toNanos(),
                TimeUnit.NANOSECONDS);
    }

    private void cancelHeadersTimer() {
        if (headersTimer != null) {
            headersTimer.cancel(false);
            headersTimer = null;
        }
    }

    /**
     * A client that started a request but did not finish its head in time gets 408 (slowloris); an idle keep-alive
     * connection is just closed.
     */
    private void headersTimedOut() {
        if (current != null || !ctx.channel().isActive()) {
            return;
        }
        ReadActivity activity = ctx.pipeline().get(ReadActivity.class);
        if (activity != null && activity.readSinceMark()) {
            refuse(HttpResponseStatus.REQUEST_TIMEOUT, "request headers not received in time");
        } else {
            endConnection();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (current != null && ctx.channel().isWritable()) {
            current.onDownstreamWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputShutdown = true;
            if (current == null && http2) {
                ctx.close();
            } else if (current == null) {
                // Between requests: whatever was answered may still be on its way to the client.
                endConnection();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelHeadersTimer();
        RequestExchange exchange = current;
        current = null;
        if (exchange != null) {
            exchange.onDownstreamClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("event=downstream_error source={} error=\"{}\"", sourceAddress(), cause.toString());
        if (current == null && !http2 && ctx.channel().isActive()) {
            refuse(HttpResponseStatus.BAD_REQUEST, MalformedRequests.reason(cause));
        } else {
            ctx.close();
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
        return connection == null ? Optional.empty() : connection.peer();
    }

    @Override
    public Optional<InetSocketAddress> destination() {
        return connection == null ? Optional.empty() : connection.destination();
    }

    @Override
    public Optional<GatewayPort> gatewayPort() {
        return connection == null ? Optional.empty() : connection.gatewayPort();
    }

    @Override
    public String sourceAddress() {
        // The same for every request of the connection: the access log and authorization ask for it each time.
        if (sourceAddress == null) {
            Channel channel = http2 ? ctx.channel().parent() : ctx.channel();
            sourceAddress = channel.remoteAddress() instanceof InetSocketAddress address
                    ? address.getAddress().getHostAddress() + ":" + address.getPort()
                    : String.valueOf(channel.remoteAddress());
        }
        return sourceAddress;
    }

    @Override
    public String protocol() {
        return http2 ? "HTTP/2" : framing != null && framing.http10() ? "HTTP/1.0" : "HTTP/1.1";
    }

    @Override
    public void read() {
        readWanted = true;
        ctx.read();
    }

    @Override
    public void write(HttpObject message) {
        if (!http2 && message instanceof HttpResponse response) {
            framing.frame(response, inputShutdown);
        }
        lastWrite = ctx.writeAndFlush(message);
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void done(boolean requestComplete) {
        current = null;
        if (http2) {
            // A stream whose request was not read to its end is reset; a finished one is already closed.
            (lastWrite != null ? lastWrite : ctx.newSucceededFuture()).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (framing.keepAlive() && !inputShutdown && (requestComplete || bodyless)) {
            armHeadersTimer();
            read();
        } else {
            endConnection();
        }
    }

    @Override
    public void reset() {
        ctx.close();
    }
}
