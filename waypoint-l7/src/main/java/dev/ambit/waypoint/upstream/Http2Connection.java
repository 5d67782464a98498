package dev.ambit.waypoint.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.concurrent.TimeUnit;

/**
 * One multiplexed HTTP/2 (h2c prior knowledge) connection to a backend; each exchange gets its own stream, reading
 * and writing HTTP objects with {@code autoRead} off. Closed once it has had no active stream for the idle timeout.
 */
final class Http2Connection {

    private final Promise<Channel> ready;
    private Http2FrameCodec codec;
    private boolean failed;

    Http2Connection(PoolEndpoint endpoint, Runnable onClose) {
        UpstreamSettings settings = endpoint.settings();
        this.ready = endpoint.loop().newPromise();
        endpoint.connect().addListener((Future<Channel> connected) -> {
            if (!connected.isSuccess()) {
                failed = true;
                onClose.run();
                ready.setFailure(connected.cause());
                return;
            }
            Channel channel = connected.getNow();
            channel.closeFuture().addListener(closed -> {
                failed = true;
                onClose.run();
            });
            codec = Http2FrameCodecBuilder.forClient()
                    .initialSettings(Http2Settings.defaultSettings()
                            .initialWindowSize(settings.http2StreamWindow())
                            .maxHeaderListSize(settings.maxResponseHeaderSize())
                            .pushEnabled(false))
                    .validateHeaders(true)
                    .build();
            channel.pipeline().addLast(
                    new IdleStateHandler(0, 0, settings.idleTimeout().toNanos(), TimeUnit.NANOSECONDS),
                    // Streams flush the connection one by one; requests that go out together leave together.
                    new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES,
                            true),
                    codec,
                    new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                    new ConnectionEnd());
            // The connection always reads: per-stream flow control bounds what each stream buffers.
            channel.config().setAutoRead(true);
            ready.setSuccess(channel);
        });
    }

    /** Whether new streams may go on this connection. */
    boolean usable() {
        if (failed) {
            return false;
        }
        if (!ready.isDone()) {
            return true;
        }
        return ready.isSuccess() && ready.getNow().isActive() && !codec.connection().goAwayReceived()
                && codec.connection().local().canOpenStream();
    }

    void openStream(Promise<UpstreamStream> result) {
        ready.addListener((Future<Channel> done) -> {
            if (!done.isSuccess()) {
                result.tryFailure(done.cause());
                return;
            }
            new Http2StreamChannelBootstrap(done.getNow())
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new ChannelInitializer<Http2StreamChannel>() {
                        @Override
                        protected void initChannel(Http2StreamChannel stream) {
                            stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false),
                                    new FlowControlHandler(), new UpstreamStreamHandler());
                        }
                    })
                    .open()
                    .addListener((Future<Http2StreamChannel> opened) -> {
                        if (!opened.isSuccess()) {
                            result.tryFailure(opened.cause());
                            return;
                        }
                        Http2StreamChannel stream = opened.getNow();
                        UpstreamStream lease = new UpstreamStream(stream,
                                stream.pipeline().get(UpstreamStreamHandler.class), (channel, reusable) -> channel.close());
                        if (!result.trySuccess(lease)) {
                            stream.close();
                        }
                    });
        });
    }

    /**
     * Closes the connection on idleness only when no stream is open, so long gRPC streams are not cut, and on any
     * connection error or the backend's FIN (its streams see the close).
     */
    private final class ConnectionEnd extends ChannelInboundHandlerAdapter {

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                if (codec.connection().numActiveStreams() == 0) {
                    ctx.close();
                }
            } else if (evt instanceof ChannelInputShutdownEvent) {
                // HTTP/2 has no half-close: the backend's FIN without GOAWAY (a crash, a kill) ends the connection,
                // and no new stream may be opened on it meanwhile.
                failed = true;
                ctx.close();
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }
    }
}
