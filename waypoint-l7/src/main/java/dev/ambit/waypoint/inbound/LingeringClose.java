package dev.ambit.waypoint.inbound;

import dev.ambit.runtime.bridge.ChannelEnds;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Ends an HTTP/1.x client connection after its last response the way a server's close must look to the client: the
 * output ends right after the last response byte (FIN, or END_STREAM on an HBONE stream), the input is drained until
 * the client ends its side, and only then is the channel closed. Closing at once would reset an HBONE stream
 * (RST_STREAM, which the client's tunnel turns into a TCP RST that discards the response bytes the client has not read
 * yet), and a socket with unread input. A client that has not ended its side after {@code linger} is closed anyway.
 *
 * <p>Takes the place of the connection's {@link Http1Downstream}: whatever the client still sends is dropped.
 */
final class LingeringClose extends ChannelInboundHandlerAdapter {

    private final Duration linger;
    private ScheduledFuture<?> deadline;
    private boolean inputEnded;
    private boolean outputEnded;

    /** @param inputEnded the client already ended its side (FIN or END_STREAM seen) */
    LingeringClose(boolean inputEnded, Duration linger) {
        this.inputEnded = inputEnded;
        this.linger = linger;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule((Runnable) ctx::close, linger.toNanos(), TimeUnit.NANOSECONDS);
        // Queued behind the response, so it goes out after the response's last byte.
        ChannelEnds.shutdownOutput(ctx.channel()).addListener(ended -> {
            if (ended.isSuccess()) {
                outputEnded = true;
                closeIfDone(ctx);
            } else {
                ctx.close();
            }
        });
        if (!inputEnded) {
            ctx.read();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // Never read past the end: epoll fails a read request on a half-closed socket and closes it.
        if (!inputEnded) {
            ctx.read();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputEnded = true;
            closeIfDone(ctx);
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        deadline.cancel(false);
        ctx.fireChannelInactive();
    }

    /** Both ways ended: a socket is closed (FIN both ways, no reset); a stream has closed itself already. */
    private void closeIfDone(ChannelHandlerContext ctx) {
        if (inputEnded && outputEnded) {
            ctx.close();
        }
    }
}
