package dev.ambit.waypoint.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Closes a channel that its {@link io.netty.handler.timeout.IdleStateHandler} found idle: downstream connections and
 * pooled HTTP/1 upstream connections alike.
 */
@ChannelHandler.Sharable
public final class IdleCloser extends ChannelInboundHandlerAdapter {

    public static final IdleCloser INSTANCE = new IdleCloser();

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }
}
