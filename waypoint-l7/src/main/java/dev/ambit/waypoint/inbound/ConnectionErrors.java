package dev.ambit.waypoint.inbound;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of an HTTP/2 client connection's pipeline: a connection error (a reset, a protocol error) or the client's FIN
 * closes it.
 */
@ChannelHandler.Sharable
final class ConnectionErrors extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ConnectionErrors.class);

    /** How long answers in flight may take once the client ended its side: the close linger HTTP/1.x gets. */
    private final long finGraceMillis;

    ConnectionErrors(Duration finGrace) {
        this.finGraceMillis = finGrace.toMillis();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("event=downstream_connection_error remote={} error=\"{}\"", ctx.channel().remoteAddress(),
                cause.toString());
        ctx.close();
    }

    /**
     * HTTP/2 has no half-close: the client's FIN ends the connection. It sends GOAWAY and gives the streams still open
     * up to the close linger to send their answers, which the client can still read (the codec's own default
     * would close at once and drop them).
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            log.debug("event=downstream_connection_ended remote={}", ctx.channel().remoteAddress());
            Http2ConnectionHandler http2 = ctx.pipeline().get(Http2ConnectionHandler.class);
            if (http2 != null) {
                http2.gracefulShutdownTimeoutMillis(finGraceMillis);
            }
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }
}
