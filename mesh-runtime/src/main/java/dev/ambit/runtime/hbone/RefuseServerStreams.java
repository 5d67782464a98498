package dev.ambit.runtime.hbone;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/** A client takes no streams from the server (push is disabled too): any it opens is closed with a reset. */
@ChannelHandler.Sharable
final class RefuseServerStreams extends ChannelInboundHandlerAdapter {

    static final RefuseServerStreams INSTANCE = new RefuseServerStreams();

    private RefuseServerStreams() {
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.close();
    }
}
