package dev.ambit.waypoint.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;

/**
 * Sits after the HTTP/1 client codec and learns when a backend is done with its connection: a response that does
 * not keep it alive ({@code Connection: close}, HTTP/1.0), or the backend's FIN. Upstream sockets allow half-closure,
 * so a FIN is only an event, which would leave a pooled connection looking usable until a request hangs on it.
 *
 * <p>The FIN is passed on as {@link #INPUT_ENDED}, a message and not an event, so it queues behind the responses
 * decoded before it (the flow-control handler lets events overtake messages).
 */
final class Http1ConnectionEnd extends ChannelInboundHandlerAdapter {

    /** The backend's FIN, in order with the responses. */
    static final Object INPUT_ENDED = new Object() {
        @Override
        public String toString() {
            return "INPUT_ENDED";
        }
    };

    private boolean reusable = true;

    /** Whether {@code channel} may carry another request: its backend neither ended it nor said it would. */
    static boolean reusable(Channel channel) {
        Http1ConnectionEnd end = channel.pipeline().get(Http1ConnectionEnd.class);
        return end != null && end.reusable && channel.isActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpResponse response && !HttpUtil.isKeepAlive(response)) {
            reusable = false;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            reusable = false;
            ctx.fireChannelRead(INPUT_ENDED);
        }
        ctx.fireUserEventTriggered(evt);
    }
}
