package dev.ambit.waypoint.inbound;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The end of an HTTP/2 client connection's pipeline: a connection error (a reset, a protocol error) or the client's FIN
 * closes it.
 */
@ChannelHandler.Sharable
final class ConnectionErrors extends ChannelInboundHandlerAdapter {

    static final ConnectionErrors INSTANCE = new ConnectionErrors();
    private static final Logger log = LoggerFactory.getLogger(ConnectionErrors.class);

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("event=downstream_connection_error remote={} error=\"{}\"", ctx.channel().remoteAddress(),
                cause.toString());
        ctx.close();
    }

    /**
     * HTTP/2 has no half-close: the client's FIN ends the connection, as with nginx and Envoy. Netty tries GOAWAY and
     * lets open streams finish, but an answer still in flight may be lost (epoll closes a half-closed socket it is
     * asked to read).
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            log.debug("event=downstream_connection_ended remote={}", ctx.channel().remoteAddress());
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }
}
