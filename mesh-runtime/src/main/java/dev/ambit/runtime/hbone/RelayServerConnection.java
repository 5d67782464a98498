package dev.ambit.runtime.hbone;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.transport.ConnectionFailures;
import dev.ambit.runtime.transport.FailureReason;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server end of an HBONE connection whose CONNECT streams are relayed as bytes ({@link HboneRelayAcceptor}), at
 * the frame level: each stream is a {@link RelayedStream} kept on Netty's stream, not a child channel.
 *
 * <p>Why frames: a child channel per stream ({@code Http2MultiplexHandler}) puts a pipeline, a frame object, a
 * promise and a window-update frame on every relayed message; they were most of what a tunnel allocated per message
 * and so set how often its young collections stop the event loops (bench/RESULTS.md, "where the L4 tail comes
 * from"). The connection's codec, HPACK, both flow controllers and the protocol's checks are still Netty's
 * ({@link Http2ConnectionHandler}), with the same settings and abuse limits as {@link Http2Connections}. A waypoint,
 * which runs an HTTP pipeline on each stream, keeps channel streams ({@link HboneStreamAcceptor}).
 */
final class RelayServerConnection extends Http2ConnectionHandler {

    private static final Logger log = LoggerFactory.getLogger(RelayServerConnection.class);

    private final SpiffeId peer;
    private final HboneSettings settings;
    private final HboneRelayAcceptor acceptor;
    private final ConnectionFailures failures;
    private final RecentResets resets;
    private final Http2Connection.PropertyKey relayedKey;
    /** Streams whose sockets this read wrote to: each is flushed once, when the read ends. */
    private final List<RelayedStream> toFlush = new ArrayList<>();

    private RelayServerConnection(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
            Http2Settings initialSettings, SpiffeId peer, HboneSettings settings, HboneRelayAcceptor acceptor,
            IdleConnectionTimer idle, ConnectionFailures failures) {
        super(decoder, encoder, initialSettings);
        this.peer = peer;
        this.settings = settings;
        this.acceptor = acceptor;
        this.failures = failures;
        // As the frame codec's: twice the stream limit (HboneFrameCodec#builder says why).
        this.resets = new RecentResets((int) Math.min(Integer.MAX_VALUE, 2L * settings.maxConcurrentStreams()));
        this.relayedKey = connection().newKey();
        decoder.frameListener(new Frames());
        resets.follow(connection());
        connection().addListener(new Http2ConnectionAdapter() {
            @Override
            public void onStreamActive(Http2Stream stream) {
                idle.streamOpened();
            }

            @Override
            public void onStreamClosed(Http2Stream stream) {
                idle.streamClosed();
                RelayedStream relayed = stream.removeProperty(relayedKey);
                if (relayed != null) {
                    relayed.streamClosed();
                }
            }
        });
        encoder.flowController().listener(stream -> {
            RelayedStream relayed = stream.getProperty(relayedKey);
            if (relayed != null) {
                relayed.writabilityChanged();
            }
        });
    }

    /** Makes {@code channel}, TLS done and its peer known, an HBONE connection whose streams go to {@code acceptor}. */
    static void install(Channel channel, SpiffeId peer, HboneSettings settings, HboneRelayAcceptor acceptor,
            IdleConnectionTimer idle, ConnectionFailures failures) {
        channel.pipeline().addLast(new Builder(peer, settings, acceptor, idle, failures).build());
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        // SETTINGS cannot widen the connection's window, only a WINDOW_UPDATE can (as Http2Connections does).
        connection().local().flowController().incrementWindowSize(connection().connectionStream(),
                Http2Connections.connectionWindowIncrement(settings));
        ctx.flush();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        // Indexed: flushing a socket can run listeners, but none of them adds to this list.
        for (int i = 0; i < toFlush.size(); i++) {
            toFlush.get(i).flushSocket();
        }
        toFlush.clear();
        super.channelReadComplete(ctx);
    }

    void flushAtReadComplete(RelayedStream stream) {
        toFlush.add(stream);
    }

    /** Answers 200: from now on the stream carries the tunnelled connection. */
    void accept(ChannelHandlerContext ctx, Http2Stream stream) {
        encoder().writeHeaders(ctx, stream.id(), new DefaultHttp2Headers().status(HttpResponseStatus.OK.codeAsText()),
                0, false, ctx.newPromise());
    }

    /** Answers {@code status} with END_STREAM; a client still sending is told to stop (RST_STREAM CANCEL). */
    void reject(ChannelHandlerContext ctx, Http2Stream stream, HttpResponseStatus status) {
        encoder().writeHeaders(ctx, stream.id(), new DefaultHttp2Headers().status(status.codeAsText()), 0, true,
                ctx.newPromise());
        if (stream.state() != Http2Stream.State.CLOSED) {
            resetStream(ctx, stream.id(), Http2Error.CANCEL.code(), ctx.newPromise());
        }
        ctx.flush();
    }

    /** The tunnelled connection broke: RST_STREAM(CONNECT_ERROR), as RFC 9113 §8.5 asks of a CONNECT proxy. */
    void reset(ChannelHandlerContext ctx, Http2Stream stream) {
        resetStream(ctx, stream.id(), Http2Error.CONNECT_ERROR.code(), ctx.newPromise());
        ctx.flush();
    }

    /** Sends {@code data} on the stream through the flow controller; not flushed. */
    void writeData(ChannelHandlerContext ctx, Http2Stream stream, ByteBuf data, boolean endOfStream) {
        encoder().writeData(ctx, stream.id(), data, 0, endOfStream, ctx.newPromise());
    }

    /** Whether the stream may send more now: its window, the connection's window, and the connection's writability. */
    boolean canSend(Http2Stream stream) {
        return encoder().flowController().isWritable(stream);
    }

    /** Gives {@code bytes} of a stream back to the peer's windows; a WINDOW_UPDATE goes out with the next flush. */
    void consumed(ChannelHandlerContext ctx, Http2Stream stream, int bytes) {
        try {
            connection().local().flowController().consumeBytes(stream, bytes);
        } catch (Http2Exception e) {
            onError(ctx, false, e);
        }
    }

    @Override
    public void onError(ChannelHandlerContext ctx, boolean outbound, Throwable cause) {
        if (!resets.dropsLateFrame(ctx, connection(), outbound, cause)) {
            super.onError(ctx, outbound, cause);
        }
    }

    @Override
    protected void onStreamError(ChannelHandlerContext ctx, boolean outbound, Throwable cause,
            Http2Exception.StreamException http2Ex) {
        log.info("event=hbone_stream_error peer={} remote={} stream_id={} error=\"{}\"", peer,
                ctx.channel().remoteAddress(), http2Ex.streamId(), cause.toString());
        super.onStreamError(ctx, outbound, cause, http2Ex);
    }

    @Override
    protected void onConnectionError(ChannelHandlerContext ctx, boolean outbound, Throwable cause,
            Http2Exception http2Ex) {
        log.info("event=hbone_connection_error peer={} remote={} error=\"{}\"", peer, ctx.channel().remoteAddress(),
                cause.toString());
        super.onConnectionError(ctx, outbound, cause, http2Ex);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            super.exceptionCaught(ctx, cause);
            return;
        }
        // Not the protocol's (a reset connection, a TLS error): the connection is gone, its streams with it.
        log.info("event=hbone_connection_error peer={} remote={} error=\"{}\"", peer, ctx.channel().remoteAddress(),
                cause.toString());
        ctx.close();
    }

    /** The first HEADERS of a stream is its CONNECT; DATA goes to its socket. */
    private final class Frames extends Http2FrameAdapter {

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                boolean endOfStream) {
            Http2Stream stream = connection().stream(streamId);
            RelayedStream relayed = stream.getProperty(relayedKey);
            if (relayed != null) {
                // The decoder lets a second HEADERS through only with END_STREAM: trailers end the input.
                relayed.inputEnded();
                return;
            }
            Optional<InetSocketAddress> target = ServerStreamHandler.connectTarget(headers, endOfStream);
            if (target.isEmpty()) {
                failures.record(FailureReason.BAD_REQUEST);
                log.info("event=hbone_request_rejected peer={} status=400 reason=\"not an HBONE CONNECT: {}\"", peer,
                        ServerStreamHandler.describe(headers));
                reject(ctx, stream, HttpResponseStatus.BAD_REQUEST);
                return;
            }
            relayed = new RelayedStream(RelayServerConnection.this, ctx, stream, peer, target.get());
            stream.setProperty(relayedKey, relayed);
            try {
                acceptor.accept(relayed);
            } catch (RuntimeException e) {
                // A failing acceptor ends this stream only; thrown into the decoder it would end the connection.
                log.warn("event=hbone_accept_failed peer={} target={} error=\"{}\"", peer, target.get(), e.toString());
                if (stream.state() != Http2Stream.State.CLOSED) {
                    resetStream(ctx, streamId, Http2Error.INTERNAL_ERROR.code(), ctx.newPromise());
                }
            }
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers,
                int streamDependency, short weight, boolean exclusive, int padding, boolean endOfStream) {
            onHeadersRead(ctx, streamId, headers, padding, endOfStream);
        }

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
                boolean endOfStream) {
            RelayedStream relayed = connection().stream(streamId).getProperty(relayedKey);
            int held = relayed == null ? 0 : relayed.dataRead(data, endOfStream);
            // Padding, and whatever no socket holds, go back to the windows at once.
            return data.readableBytes() + padding - held;
        }

        // A client's RST_STREAM closes its stream after this listener: the relay hears of it in onStreamClosed.
    }

    /** Netty's builder with HBONE's settings and the server's reset limits, as {@link Http2Connections} sets them. */
    private static final class Builder
            extends AbstractHttp2ConnectionHandlerBuilder<RelayServerConnection, Builder> {

        private final SpiffeId peer;
        private final HboneSettings settings;
        private final HboneRelayAcceptor acceptor;
        private final IdleConnectionTimer idle;
        private final ConnectionFailures failures;

        Builder(SpiffeId peer, HboneSettings settings, HboneRelayAcceptor acceptor, IdleConnectionTimer idle,
                ConnectionFailures failures) {
            this.peer = peer;
            this.settings = settings;
            this.acceptor = acceptor;
            this.idle = idle;
            this.failures = failures;
            int resetsPerWindow = Http2Connections.serverResetsPerWindow(settings);
            server(true);
            validateHeaders(true);
            initialSettings(settings.initialHttp2Settings(true));
            gracefulShutdownTimeoutMillis(settings.gracefulShutdown().toMillis());
            decoderEnforceMaxRstFramesPerWindow(resetsPerWindow, Http2Connections.RESET_WINDOW_SECONDS);
            encoderEnforceMaxRstFramesPerWindow(resetsPerWindow, Http2Connections.RESET_WINDOW_SECONDS);
        }

        @Override
        protected RelayServerConnection build() {
            return super.build();
        }

        @Override
        protected RelayServerConnection build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
                Http2Settings initialSettings) {
            return new RelayServerConnection(decoder, encoder, initialSettings, peer, settings, acceptor, idle,
                    failures);
        }
    }
}
