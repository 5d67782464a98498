package dev.ambit.runtime.hbone;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;

/**
 * Turns a TLS connection into an HTTP/2 one for HBONE, the same way on both sides: Netty's codec (ignoring frames on
 * streams it reset, {@link HboneFrameCodec}) with its abuse limits left on (RST floods, queued control frames, empty
 * DATA, CONTINUATION floods), raised windows, bounded streams and header lists.
 */
final class Http2Connections {

    /** The window every connection starts with (RFC 9113 §6.9.2); only a WINDOW_UPDATE raises it. */
    private static final int DEFAULT_CONNECTION_WINDOW = 65_535;
    /**
     * The server's RST_STREAM limits, sent and received alike: so many resets per stream slot per window. Netty's
     * default (200 per 30 s) is sized for HTTP servers facing anonymous clients. On HBONE a reset is how a TCP reset
     * crosses the tunnel, so a busy pod pair resets as often as its connections abort (a client pool torn down, a
     * server pod killed), up to every stream of the connection at once; and going over the limit ends the connection
     * with GOAWAY(ENHANCE_YOUR_CALM) and every sibling stream with it. The limits stay on against rapid-reset
     * (CVE-2023-44487) and made-you-reset (CVE-2025-55163) floods, which take thousands of resets a second: this lets
     * each stream slot of a full connection be reset once a second, and no more.
     */
    static final int RESET_WINDOW_SECONDS = 10;
    private static final int RESETS_PER_STREAM_PER_WINDOW = 10;

    private Http2Connections() {
    }

    static void install(Channel channel, boolean server, HboneSettings settings, ChannelHandler inboundStreams,
            ChannelHandler... after) {
        Http2FrameCodecBuilder codec = HboneFrameCodec.builder(server, settings.maxConcurrentStreams());
        codec.initialSettings(settings.initialHttp2Settings(server))
                .gracefulShutdownTimeoutMillis(settings.gracefulShutdown().toMillis())
                .validateHeaders(true);
        if (server) {
            int resets = serverResetsPerWindow(settings);
            codec.decoderEnforceMaxRstFramesPerWindow(resets, RESET_WINDOW_SECONDS)
                    .encoderEnforceMaxRstFramesPerWindow(resets, RESET_WINDOW_SECONDS);
        } else {
            // Queue streams beyond the server's limit instead of failing them (the pool stays under it anyway).
            codec.encoderEnforceMaxConcurrentStreams(true);
        }
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(codec.build(), new Http2MultiplexHandler(inboundStreams));
        pipeline.addLast(after);
        // The codec has sent its preface; the connection window is raised past the streams' sum of interest.
        channel.writeAndFlush(
                new DefaultHttp2WindowUpdateFrame(connectionWindowIncrement(settings)));
    }

    /** RST_STREAM frames a server takes (and sends) per {@link #RESET_WINDOW_SECONDS} on one connection. */
    static int serverResetsPerWindow(HboneSettings settings) {
        return (int) Math.min(Integer.MAX_VALUE, (long) RESETS_PER_STREAM_PER_WINDOW * settings.maxConcurrentStreams());
    }

    /** The WINDOW_UPDATE that takes a new connection's window from the protocol's default to the configured one. */
    static int connectionWindowIncrement(HboneSettings settings) {
        return settings.connectionWindow() - DEFAULT_CONNECTION_WINDOW;
    }
}
