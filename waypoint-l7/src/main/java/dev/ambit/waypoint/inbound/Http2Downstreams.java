package dev.ambit.waypoint.inbound;

import dev.ambit.waypoint.http.HttpLimits;
import dev.ambit.waypoint.proxy.ExchangeEnvironment;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;

/**
 * The server end of a client's HTTP/2 connection, at the frame level: each stream the client opens is one exchange,
 * with an {@link Http2StreamDownstream} as its client end, a plain object kept on the stream.
 *
 * <p>Why frames rather than Netty's child channel per stream ({@code Http2MultiplexCodec}): a stream here is one
 * request and its response, and a channel per stream (its pipeline, the frame-to-message codec, a flow-control
 * handler, a promise per write, a close per stream) was about a fifth of the waypoint's CPU under h2c load
 * (bench/RESULTS.md, session 16). The connection's codec, HPACK, both flow controllers and the protocol's checks
 * are still Netty's ({@link Http2ConnectionHandler}).
 *
 * <p>Flow control: what a stream's request sends is read off the connection at once and held by its downstream;
 * its bytes go back to the client's windows only as the exchange takes them, so a stream's window, not the
 * connection, bounds what it buffers.
 */
final class Http2Downstreams extends Http2ConnectionHandler {

    /** HTTP/2 window per client stream: large enough for throughput, small enough to bound buffering. */
    static final int STREAM_WINDOW = 1024 * 1024;

    private final ExchangeEnvironment env;
    private final InboundConnection connection;
    private final Http2Connection.PropertyKey downstreamKey;
    private String sourceAddress;

    private Http2Downstreams(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder, Http2Settings settings,
            ExchangeEnvironment env, InboundConnection connection) {
        super(decoder, encoder, settings);
        decoder.frameListener(new StreamFrames());
        this.env = env;
        this.connection = connection;
        this.downstreamKey = connection().newKey();
        connection().addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamClosed(Http2Stream stream) {
                Http2StreamDownstream downstream = stream.removeProperty(downstreamKey);
                if (downstream != null) {
                    downstream.streamClosed();
                }
            }
        });
        encoder.flowController().listener(stream -> {
            Http2StreamDownstream downstream = stream.getProperty(downstreamKey);
            if (downstream != null) {
                downstream.writabilityChanged();
            }
        });
    }

    static Http2Downstreams create(ExchangeEnvironment env, InboundConnection connection) {
        HttpLimits limits = env.limits();
        return new Builder(env, connection)
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(limits.maxConcurrentStreams())
                        .maxHeaderListSize(limits.maxHeaderSize())
                        .initialWindowSize(STREAM_WINDOW))
                .build();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        // SETTINGS cannot widen the connection's window, only a WINDOW_UPDATE can: twice a stream's window, so that
        // one stream the exchange reads slowly cannot hold up the others (what Netty's frame codec does too).
        Http2Stream connectionStream = connection().connectionStream();
        int delta = STREAM_WINDOW - connection().local().flowController().initialWindowSize(connectionStream);
        if (delta > 0) {
            connection().local().flowController().incrementWindowSize(connectionStream, delta * 2);
            ctx.flush();
        }
    }

    ExchangeEnvironment env() {
        return env;
    }

    InboundConnection inbound() {
        return connection;
    }

    /** The client's address, the same for every stream of the connection. */
    String sourceAddress(ChannelHandlerContext ctx) {
        if (sourceAddress == null) {
            sourceAddress = InboundConnection.describe(ctx.channel().remoteAddress());
        }
        return sourceAddress;
    }

    /** Gives {@code bytes} of a stream's request body back to the client's windows: the exchange took them. */
    void consumed(ChannelHandlerContext ctx, Http2Stream stream, int bytes) {
        try {
            if (connection().local().flowController().consumeBytes(stream, bytes)) {
                // A WINDOW_UPDATE went out; it is not flow-controlled, so the plain flush sends it.
                ctx.flush();
            }
        } catch (Http2Exception e) {
            onError(ctx, false, e);
        }
    }

    /** HEADERS open a stream's exchange (or end it with trailers); DATA goes to its downstream. */
    private final class StreamFrames extends Http2FrameAdapter {

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                boolean endOfStream) throws Http2Exception {
            Http2Stream stream = connection().stream(streamId);
            Http2StreamDownstream downstream = stream.getProperty(downstreamKey);
            if (downstream == null) {
                downstream = new Http2StreamDownstream(Http2Downstreams.this, ctx, stream);
                stream.setProperty(downstreamKey, downstream);
                downstream.onRequestHead(headers, endOfStream);
            } else {
                // The decoder lets a second HEADERS through only with END_STREAM: trailers.
                downstream.onTrailers(headers);
            }
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers,
                int streamDependency, short weight, boolean exclusive, int padding, boolean endOfStream)
                throws Http2Exception {
            onHeadersRead(ctx, streamId, headers, padding, endOfStream);
        }

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
                boolean endOfStream) {
            Http2StreamDownstream downstream = connection().stream(streamId).getProperty(downstreamKey);
            int held = downstream == null ? 0 : downstream.onData(data, endOfStream);
            // Padding, and whatever no exchange holds, go back to the windows at once.
            return data.readableBytes() + padding - held;
        }

        // A client's RST_STREAM closes its stream after this listener: the downstream hears of it in onStreamClosed.
    }

    /** Netty's builder keeps the codec's defaults (and its protections: reset floods, empty DATA, header sizes). */
    private static final class Builder extends AbstractHttp2ConnectionHandlerBuilder<Http2Downstreams, Builder> {

        private final ExchangeEnvironment env;
        private final InboundConnection connection;

        Builder(ExchangeEnvironment env, InboundConnection connection) {
            this.env = env;
            this.connection = connection;
            server(true);
            validateHeaders(true);
        }

        @Override
        protected Builder initialSettings(Http2Settings settings) {
            return super.initialSettings(settings);
        }

        @Override
        protected Http2Downstreams build() {
            return super.build();
        }

        @Override
        protected Http2Downstreams build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
                Http2Settings initialSettings) {
            // The handler sets its own frame listener; the builder's is not asked for when the decoder has one.
            return new Http2Downstreams(decoder, encoder, initialSettings, env, connection);
        }
    }
}
