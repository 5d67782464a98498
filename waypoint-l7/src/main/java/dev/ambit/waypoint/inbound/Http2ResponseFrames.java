package dev.ambit.waypoint.inbound;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * A stream's response, written as HTTP/2 frames: the head as HEADERS, the body as DATA, trailers as a last HEADERS;
 * END_STREAM on the last of them. The frames Netty's HTTP/1-to-HTTP/2 stream codec would write, without a stream
 * channel: informational heads leave the stream open, an end without trailers is an empty DATA frame with END_STREAM
 * unless a full message's head carried it. Each message is flushed as it is written (flushes are consolidated
 * per connection in front of the codec); DATA waits in the codec's flow controller for the client's windows.
 */
final class Http2ResponseFrames {

    private final Http2ConnectionHandler codec;
    private final ChannelHandlerContext ctx;
    private final int streamId;
    private ChannelFuture lastWrite;
    private boolean ended;

    Http2ResponseFrames(Http2ConnectionHandler codec, ChannelHandlerContext ctx, int streamId) {
        this.codec = codec;
        this.ctx = ctx;
        this.streamId = streamId;
    }

    /** Writes one response message and flushes; takes ownership of it. */
    void write(HttpObject message) {
        if (message instanceof HttpResponse response) {
            HttpStatusClass statusClass = response.status().codeClass();
            if (statusClass == HttpStatusClass.INFORMATIONAL && response.status().code() != 101) {
                headers(HttpConversionUtil.toHttp2Headers(response, true), false);
                ReferenceCountUtil.release(message);
                codec.flush(ctx);
                return;
            }
            boolean headOnly = message instanceof FullHttpMessage full
                    && !full.content().isReadable() && full.trailingHeaders().isEmpty();
            headers(HttpConversionUtil.toHttp2Headers(response, true), headOnly);
        }
        if (message instanceof LastHttpContent last) {
            boolean trailers = !last.trailingHeaders().isEmpty();
            // A bare end (no body left, no trailers) still has to end the stream: an empty DATA frame does.
            boolean bareEnd = !(message instanceof FullHttpMessage) && !trailers;
            ByteBuf body = last.content();
            if (body.isReadable() || bareEnd) {
                data(body, !trailers);
            } else {
                body.release();
            }
            if (trailers) {
                headers(HttpConversionUtil.toHttp2Headers(last.trailingHeaders(), true), true);
            }
        } else if (message instanceof HttpContent content) {
            data(content.content(), false);
        }
        codec.flush(ctx);
    }

    /** Whether the response's last frame was written: the stream's close that follows is its normal end. */
    boolean ended() {
        return ended;
    }

    /** The last write's future; a succeeded one before any write. */
    ChannelFuture lastWrite() {
        return lastWrite != null ? lastWrite : ctx.newSucceededFuture();
    }

    /** Resets the stream unless it has closed already. */
    void reset(Http2Error error) {
        if (codec.connection().stream(streamId) != null) {
            codec.resetStream(ctx, streamId, error.code(), ctx.newPromise());
            ctx.flush();
        }
    }

    private void headers(Http2Headers headers, boolean endStream) {
        ended |= endStream;
        lastWrite = codec.encoder().writeHeaders(ctx, streamId, headers, 0, endStream, ctx.newPromise());
    }

    private void data(ByteBuf body, boolean endStream) {
        ended |= endStream;
        lastWrite = codec.encoder().writeData(ctx, streamId, body, 0, endStream, ctx.newPromise());
    }
}
