package dev.ambit.ztunnel.hbone;

import dev.ambit.api.identity.SpiffeId;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of a server HBONE connection: releases connection-level frames nobody else wants (SETTINGS, PING,
 * GOAWAY) and closes the connection on errors the codec did not handle, logging one line.
 */
final class ServerConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ServerConnectionHandler.class);

    private final SpiffeId peer;

    ServerConnectionHandler(SpiffeId peer) {
        this.peer = peer;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.info("event=hbone_connection_error peer={} remote={} error=\"{}\"", peer, ctx.channel().remoteAddress(),
                cause.toString());
        ctx.close();
    }
}
