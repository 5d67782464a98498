package dev.ambit.waypoint.inbound;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Notes whether any bytes arrived since the last {@link #mark}: tells a slow request head (408) from an idle
 * keep-alive connection (closed quietly) when the headers timeout fires.
 */
final class ReadActivity extends ChannelInboundHandlerAdapter {

    private boolean read;

    void mark() {
        read = false;
    }

    boolean readSinceMark() {
        return read;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            read = true;
        }
        ctx.fireChannelRead(msg);
    }
}
