package dev.ambit.runtime.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.util.concurrent.RejectedExecutionException;

/** How each kind of channel a bridge joins carries bytes, says "no more data" (FIN) and "broken" (reset). */
public final class ChannelEnds {

    private ChannelEnds() {
    }

    /**
     * What to write to carry {@code bytes}: a DATA frame on a stream, the bytes themselves on a socket. A stream
     * channel sizes its write buffer by DATA frames only (a plain buffer counts as an empty frame), so plain bytes
     * written to it from another event loop would queue there without limit while it still reports itself writable.
     */
    public static Object payload(Channel channel, ByteBuf bytes) {
        return channel instanceof Http2StreamChannel ? new DefaultHttp2DataFrame(bytes) : bytes;
    }

    /**
     * Ends the output once everything written before has gone out: a TCP FIN, or END_STREAM on a stream. (Netty's
     * {@code shutdownOutput()} discards queued writes, hence the flush first.)
     */
    public static ChannelFuture shutdownOutput(Channel channel) {
        if (channel instanceof Http2StreamChannel) {
            return channel.writeAndFlush(new DefaultHttp2DataFrame(true));
        }
        DuplexChannel socket = (DuplexChannel) channel;
        ChannelPromise shutdown = socket.newPromise();
        socket.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            if (f.isSuccess()) {
                socket.shutdownOutput(shutdown);
            } else {
                shutdown.tryFailure(f.cause());
            }
        });
        return shutdown;
    }

    /**
     * Tells the far end the connection broke: RST_STREAM(CONNECT_ERROR), or a TCP RST. Runs on the channel's own loop:
     * set from another, SO_LINGER could land on a descriptor the loop just closed and the kernel already reused.
     */
    public static void abort(Channel channel) {
        if (!channel.eventLoop().inEventLoop()) {
            try {
                channel.eventLoop().execute(() -> abort(channel));
            } catch (RejectedExecutionException shuttingDown) {
                // The loop closes its channels itself on the way out.
            }
            return;
        }
        if (!channel.isOpen()) {
            return;
        }
        if (channel instanceof Http2StreamChannel) {
            channel.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.CONNECT_ERROR))
                    .addListener(ChannelFutureListener.CLOSE);
        } else {
            try {
                // Linger zero turns close() into a reset, so the far end sees the break instead of a clean end.
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
            } catch (ChannelException e) {
                // Closed meanwhile by the far end: nothing left to reset.
            }
            channel.close();
        }
    }
}
