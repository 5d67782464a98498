package dev.ambit.waypoint.upstream;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;

/**
 * The last handler of an upstream pipeline: hands response messages and writability to the current lease's
 * listener. A message with no lease (a pooled connection that talks while idle) closes the connection.
 */
final class UpstreamStreamHandler extends ChannelInboundHandlerAdapter {

    private UpstreamListener listener;
    private ChannelHandlerContext ctx;
    /** A read was asked for and no message came yet: asked again at read-complete, which drops unmet demand. */
    private boolean readWanted;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Asks for the next message, through the flow-control handler. */
    void read() {
        readWanted = true;
        ctx.read();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (readWanted) {
            ctx.read();
        }
        ctx.fireChannelReadComplete();
    }

    void attach(UpstreamListener listener) {
        this.listener = listener;
    }

    void detach() {
        this.listener = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readWanted = false;
        if (msg == Http1ConnectionEnd.INPUT_ENDED) {
            // The backend's FIN, after every response it sent: one still awaited never comes.
            UpstreamListener current = listener;
            listener = null;
            if (current != null) {
                current.onStreamError(new PrematureChannelClosureException("the backend closed the connection"));
            }
            ctx.close();
            return;
        }
        if (listener != null && msg instanceof io.netty.handler.codec.http.HttpObject http) {
            listener.onResponse(http);
        } else {
            ReferenceCountUtil.release(msg);
            ctx.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (listener != null && ctx.channel().isWritable()) {
            listener.onWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        UpstreamListener current = listener;
        listener = null;
        if (current != null) {
            current.onStreamError(new ClosedChannelException());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        UpstreamListener current = listener;
        listener = null;
        if (current != null) {
            current.onStreamError(cause);
        }
        ctx.close();
    }
}
