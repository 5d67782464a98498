package dev.ambit.waypoint.inbound;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.waypoint.http.LocalReply;
import dev.ambit.waypoint.proxy.Downstream;
import dev.ambit.waypoint.proxy.ExchangeEnvironment;
import dev.ambit.waypoint.proxy.RequestExchange;
import dev.ambit.waypoint.route.GatewayPort;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client end of exchanges on a connection's pipeline, their plumbing: starts an exchange per decoded request
 * head, hands it the request's content, reads only when the exchange asks, and tells it of writability and of the
 * client going away. {@link Http1Downstream} adds HTTP/1.x's framing: which heads to refuse, keep-alive, the headers
 * timeout, how a connection ends. (An HTTP/2 stream is no channel and no handler: {@link Http2StreamDownstream}.)
 */
abstract class DownstreamHandler extends ChannelInboundHandlerAdapter implements Downstream {

    private static final Logger log = LoggerFactory.getLogger(DownstreamHandler.class);
    static final AttributeKey<InboundConnection> CONNECTION = AttributeKey.valueOf("ambit.inbound");

    final ExchangeEnvironment env;
    ChannelHandlerContext ctx;
    private InboundConnection connection;
    /** The exchange under way; null between requests. */
    RequestExchange current;
    private String sourceAddress;
    /** The current request's head says there is no body: its end needs no read before the next request. */
    boolean bodyless;
    boolean inputShutdown;
    /** A read was asked for and no message came yet: asked again at read-complete, which drops unmet demand. */
    private boolean readWanted;

    DownstreamHandler(ExchangeEnvironment env) {
        this.env = env;
    }

    /** Why this request head cannot be trusted, or null. */
    abstract String framingViolation(HttpRequest request);

    /** A head was accepted: what its protocol keeps for the response. */
    abstract void requestAccepted(HttpRequest request);

    /** Whether a head that is not a full request says it carries no body. */
    abstract boolean bodylessHead(HttpRequest request);

    /** Answers a request that cannot be parsed or trusted, and ends what cannot be framed any more. */
    abstract void refuse(HttpResponseStatus status, String reason);

    /** The client closed its sending side while no exchange was under way. */
    abstract void inputEndedBetweenRequests();

    /** A failure with no exchange under way. */
    abstract void failedBetweenRequests(Throwable cause);

    /** The last part of a request answered before it arrived was dropped. */
    void unansweredRequestEnded() {
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.connection = ctx.channel().attr(CONNECTION).get();
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
                if (content instanceof LastHttpContent) {
                    unansweredRequestEnded();
                }
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    void onRequestHead(HttpRequest request) {
        if (request.decoderResult().isFailure()) {
            ReferenceCountUtil.release(request);
            Throwable cause = request.decoderResult().cause();
            refuse(MalformedRequests.status(cause), MalformedRequests.reason(cause));
            return;
        }
        String violation = framingViolation(request);
        if (violation != null || current != null) {
            ReferenceCountUtil.release(request);
            refuse(HttpResponseStatus.BAD_REQUEST, violation != null ? violation : "request before the last one ended");
            return;
        }
        requestAccepted(request);
        bodyless = bodylessHead(request);
        // The exchange may finish (and done() clear it) before begin() returns.
        current = RequestExchange.create(env, this, request, !bodyless);
        current.begin();
    }

    /** The local answer to a request refused before it was forwarded. */
    FullHttpResponse refusal(HttpResponseStatus status, String reason) {
        log.debug("event=request_refused status={} reason=\"{}\" source={}", status.code(), reason, sourceAddress());
        return LocalReply.of(ctx.alloc(), status, reason, false);
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
            if (current == null) {
                inputEndedBetweenRequests();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
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
        if (current == null && ctx.channel().isActive()) {
            failedBetweenRequests(cause);
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
            sourceAddress = InboundConnection.describe(ctx.channel().remoteAddress());
        }
        return sourceAddress;
    }

    @Override
    public void read() {
        readWanted = true;
        ctx.read();
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public void reset() {
        ctx.close();
    }
}
