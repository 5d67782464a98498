package dev.ambit.ztunnel.hbone;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * Turns a TLS connection into an HTTP/2 one for HBONE, the same way on both sides: Netty's codec with its abuse
 * limits left on (RST floods, queued control frames, empty DATA, CONTINUATION floods), raised windows, bounded streams
 * and header lists.
 */
final class Http2Connections {

    /** The window every connection starts with (RFC 9113 §6.9.2); only a WINDOW_UPDATE raises it. */
    private static final int DEFAULT_CONNECTION_WINDOW = 65_535;

    private Http2Connections() {
    }

    static void install(Channel channel, boolean server, HboneSettings settings, ChannelHandler inboundStreams,
            ChannelHandler... after) {
        Http2Settings initial = Http2Settings.defaultSettings()
                .initialWindowSize(settings.streamWindow())
                .maxConcurrentStreams(settings.maxConcurrentStreams())
                .maxHeaderListSize(settings.maxHeaderListSize());
        if (!server) {
            initial.pushEnabled(false);
        }
        Http2FrameCodecBuilder codec = server ? Http2FrameCodecBuilder.forServer() : Http2FrameCodecBuilder.forClient();
        codec.initialSettings(initial)
                .gracefulShutdownTimeoutMillis(settings.gracefulShutdown().toMillis())
                .validateHeaders(true);
        if (!server) {
            // Queue streams beyond the server's limit instead of failing them (the pool stays under it anyway).
            codec.encoderEnforceMaxConcurrentStreams(true);
        }
        ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast(codec.build(), new Http2MultiplexHandler(inboundStreams));
        pipeline.addLast(after);
        // The codec has sent its preface; the connection window is raised past the streams' sum of interest.
        channel.writeAndFlush(
                new DefaultHttp2WindowUpdateFrame(settings.connectionWindow() - DEFAULT_CONNECTION_WINDOW));
    }
}
