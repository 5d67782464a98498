package dev.ambit.runtime.hbone;

import dev.ambit.api.identity.SpiffeId;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of a server HBONE connection: releases connection-level frames nobody else wants (SETTINGS, PING,
 * GOAWAY) and closes the connection on connection errors the codec did not handle, logging one line; an error of one
 * stream ends only that stream ({@link StreamErrors}).
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
        OptionalInt stream = StreamErrors.streamOf(cause);
        if (stream.isPresent()) {
            log.info("event=hbone_stream_error peer={} remote={} stream_id={} error=\"{}\"", peer,
                    ctx.channel().remoteAddress(), stream.getAsInt(), cause.toString());
            return;
        }
        log.info("event=hbone_connection_error peer={} remote={} error=\"{}\"", peer, ctx.channel().remoteAddress(),
                cause.toString());
        ctx.close();
    }
}
