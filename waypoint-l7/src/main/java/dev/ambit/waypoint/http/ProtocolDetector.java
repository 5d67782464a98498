package dev.ambit.waypoint.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Tells HTTP/2 with prior knowledge (the client preface) from HTTP/1.x by the first bytes, then replaces itself with
 * the matching codec; the bytes read so far go on to it. A client that sends nothing decisive within the headers
 * timeout is closed, and so is one that ends its side (FIN) before it did: its connection would otherwise hold one
 * of the listener's places until the timeout, after the client has gone.
 */
public final class ProtocolDetector extends ByteToMessageDecoder {

    /** Installs the pipeline for the detected protocol after {@code ctx}'s handler. */
    public interface Installer {

        void installHttp1(ChannelHandlerContext ctx);

        void installHttp2(ChannelHandlerContext ctx);
    }

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final Duration timeout;
    private final Installer installer;
    private ScheduledFuture<?> deadline;

    public ProtocolDetector(Duration timeout, Installer installer) {
        this.timeout = timeout;
        this.installer = installer;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> ctx.close(), timeout.toNanos(), TimeUnit.NANOSECONDS);
        ctx.read();
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        deadline.cancel(false);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int length = Math.min(in.readableBytes(), PREFACE.length);
        for (int i = 0; i < length; i++) {
            if (in.getByte(in.readerIndex() + i) != PREFACE[i]) {
                installer.installHttp1(ctx);
                ctx.pipeline().remove(this);
                return;
            }
        }
        if (length == PREFACE.length) {
            installer.installHttp2(ctx);
            ctx.pipeline().remove(this);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        // The decoder first decodes what it holds, which may still decide the protocol and remove this handler.
        super.userEventTriggered(ctx, evt);
        if (evt instanceof ChannelInputShutdownEvent && ctx.pipeline().context(this) != null) {
            ctx.close();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        super.channelReadComplete(ctx);
        if (ctx.pipeline().context(this) != null) {
            ctx.read();
        }
    }
}
