package dev.ambit.runtime.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps what an accepted socket delivers before its bridge exists, for the bridge to forward first.
 *
 * <p>A socket is not read while the tunnel opens the other side, with one exception: once the client's FIN is in,
 * Netty (epoll and io_uring alike) drains the socket even with {@code autoRead} off, so that the end is never missed.
 * A client that writes its request and half-closes at once (nc -N, HTTP/1.0) thus has its request and its FIN read
 * early, and only once: they must be kept. The kernel bounds what is kept, by the socket's receive buffer.
 *
 * <p>As the last handler before the bridge, it also resets the client when anything fails before then: an accepted
 * socket with {@code autoRead} off and no bridge would otherwise wait forever.
 */
public final class EarlyInput extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(EarlyInput.class);

    private final Queue<ByteBuf> bytes = new ArrayDeque<>();
    private boolean ended;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf buffer) {
            bytes.add(buffer);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            ended = true;
        } else if (!(evt instanceof ChannelInputShutdownReadComplete)) {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            // The client reset or broke the connection itself before it was bridged: nothing of ours failed.
            log.debug("event=connection_failed_before_bridge client={} listener={} error=\"{}\"",
                    ctx.channel().remoteAddress(), ctx.channel().localAddress(), cause.toString());
        } else {
            log.warn("event=connection_failed_before_bridge client={} listener={} error=\"{}\"",
                    ctx.channel().remoteAddress(), ctx.channel().localAddress(), cause.toString(), cause);
        }
        ChannelEnds.abort(ctx.channel());
    }

    /** The next byte buffer read early, or null; the caller owns it. */
    ByteBuf poll() {
        return bytes.poll();
    }

    /** Whether the client's FIN was read early: nothing more will come, and no read may be asked for. */
    boolean ended() {
        return ended;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        // Whatever the bridge did not take (a connection refused or closed before it was joined) is dropped here.
        ByteBuf left;
        while ((left = bytes.poll()) != null) {
            left.release();
        }
    }
}
