package dev.ambit.waypoint.inbound;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of an HTTP/2 client connection's pipeline: a connection error (a reset, a protocol error) or the client's FIN
 * closes it.
 */
@ChannelHandler.Sharable
final class ConnectionErrors extends ChannelInboundHandlerAdapter {

    static final ConnectionErrors INSTANCE = new ConnectionErrors();
    /** How long answers in flight may take once the client ended its side; the HTTP/1.x close linger's 5 s. */
    static final long FIN_GRACE_MILLIS = 5_000;
    private static final Logger log = LoggerFactory.getLogger(ConnectionErrors.class);

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("event=downstream_connection_error remote={} error=\"{}\"", ctx.channel().remoteAddress(),
                cause.toString());
        ctx.close();
    }

    /**
     * HTTP/2 has no half-close: the client's FIN ends the connection. It sends GOAWAY and gives the streams still open
     * up to {@link #FIN_GRACE_MILLIS} to send their answers, which the client can still read (the codec's own default
     * would close at once and drop them).
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            log.debug("event=downstream_connection_ended remote={}", ctx.channel().remoteAddress());
            Http2ConnectionHandler http2 = ctx.pipeline().get(Http2ConnectionHandler.class);
            if (http2 != null) {
                http2.gracefulShutdownTimeoutMillis(FIN_GRACE_MILLIS);
            }
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }
}
