package dev.ambit.runtime.hbone;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * Netty's HTTP/2 frame codec, ignoring frames that arrive on a stream after this end reset it (RFC 9113 §5.1).
 *
 * <p>Netty forgets a stream as soon as its RST_STREAM is written, and answers every later DATA frame on it with one
 * more RST_STREAM(STREAM_CLOSED). A tunnelled connection reset while its window is full has megabytes of DATA in
 * flight: hundreds of frames, hence hundreds of resets. The server's reset limit takes that for a flood and ends the
 * connection with GOAWAY(ENHANCE_YOUR_CALM), and every sibling stream with it (issue #5). This codec remembers the
 * streams it reset and drops the error such frames raise. The decoder has already counted the frame against the
 * connection window and returned its bytes before it raises the error, so flow control stays whole.
 */
final class HboneFrameCodec extends Http2FrameCodec {

    private final RecentResets resets;

    private HboneFrameCodec(Http2ConnectionEncoder encoder, Http2ConnectionDecoder decoder, Http2Settings settings,
            boolean decoupleCloseAndGoAway, boolean flushPreface, RecentResets resets) {
        super(encoder, decoder, settings, decoupleCloseAndGoAway, flushPreface);
        this.resets = resets;
        resets.follow(connection());
    }

    /**
     * A builder for a server or client codec on a connection of at most {@code maxConcurrentStreams} streams. It
     * remembers twice that many resets: every stream we reset whose RST_STREAM the peer has not seen yet still counts
     * against its stream limit, and the second half covers those whose last frames are still on the wire after the
     * peer has opened new streams in their place.
     */
    static Http2FrameCodecBuilder builder(boolean server, int maxConcurrentStreams) {
        return new Builder(server, (int) Math.min(Integer.MAX_VALUE, 2L * maxConcurrentStreams));
    }

    @Override
    public void onError(ChannelHandlerContext ctx, boolean outbound, Throwable cause) {
        if (!resets.dropsLateFrame(ctx, connection(), outbound, cause)) {
            super.onError(ctx, outbound, cause);
        }
    }

    private static final class Builder extends Http2FrameCodecBuilder {

        private final int rememberedResets;

        Builder(boolean server, int rememberedResets) {
            this.rememberedResets = rememberedResets;
            server(server);
        }

        @Override
        protected Http2FrameCodec build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
                Http2Settings initialSettings) {
            HboneFrameCodec codec = new HboneFrameCodec(encoder, decoder, initialSettings, decoupleCloseAndGoAway(),
                    flushPreface(), new RecentResets(rememberedResets));
            codec.gracefulShutdownTimeoutMillis(gracefulShutdownTimeoutMillis());
            return codec;
        }
    }
}
