package dev.ambit.bench.micro;

import dev.ambit.runtime.hbone.HboneSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2ChannelDuplexHandler;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The HBONE framing cost of moving tunnelled bytes: one DATA frame encoded by a client {@link Http2FrameCodec},
 * decoded by a server one, and the WINDOW_UPDATE that returns its credit travelling back, both codecs configured as
 * the tunnel configures them ({@link HboneSettings#defaults()}, header validation and abuse limits on). The two ends
 * are {@link EmbeddedChannel}s, so no TLS or socket cost is included: this is the HTTP/2 share of the data path.
 */
@State(Scope.Benchmark)
public class HboneFrameBenchmark extends MicroBenchmark {

    @Param({"1024", "16384"})
    public int payloadBytes;

    private EmbeddedChannel client;
    private EmbeddedChannel server;
    private Http2FrameStream stream;
    private ByteBuf payload;
    private long bytesDelivered;

    /** The tunnel's server side in miniature: answers CONNECT with 200 and returns credit for every DATA frame. */
    private final class ConnectResponder extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame headers) {
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"))
                        .stream(headers.stream()));
            } else if (msg instanceof Http2DataFrame data) {
                bytesDelivered += data.content().readableBytes();
                ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(data.initialFlowControlledBytes())
                        .stream(data.stream()));
            }
            ReferenceCountUtil.release(msg);
        }
    }

    /**
     * Opens the stream (Netty hands out streams only to a handler behind the codec) and drops what the server
     * sends back (SETTINGS acks, the 200, window updates): the codec has processed it by then.
     */
    private static final class ClientEnd extends Http2ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }

    @Setup
    public void connect() {
        HboneSettings settings = HboneSettings.defaults();
        ClientEnd clientEnd = new ClientEnd();
        client = new EmbeddedChannel(configure(Http2FrameCodecBuilder.forClient(), settings, false), clientEnd);
        server = new EmbeddedChannel(configure(Http2FrameCodecBuilder.forServer(), settings, true),
                new ConnectResponder());
        client.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        server.config().setAllocator(PooledByteBufAllocator.DEFAULT);
        exchange();
        stream = clientEnd.newStream();
        client.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers()
                .method(HttpMethod.CONNECT.asciiName()).authority("10.244.57.4:8080")).stream(stream));
        exchange();
        payload = PooledByteBufAllocator.DEFAULT.directBuffer(payloadBytes).writeZero(payloadBytes);
    }

    @Benchmark
    public long dataFrameRoundTrip() {
        client.writeAndFlush(new DefaultHttp2DataFrame(payload.retainedDuplicate()).stream(stream));
        exchange();
        return bytesDelivered;
    }

    @TearDown
    public void close() {
        payload.release();
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }

    /** Carries bytes both ways until neither side has anything left to send. */
    private void exchange() {
        boolean moved = true;
        while (moved) {
            moved = pump(client, server) | pump(server, client);
        }
    }

    private static boolean pump(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        for (Object bytes = from.readOutbound(); bytes != null; bytes = from.readOutbound()) {
            to.writeInbound(bytes);
            moved = true;
        }
        return moved;
    }

    private static Http2FrameCodec configure(Http2FrameCodecBuilder builder, HboneSettings settings,
            boolean server) {
        return builder.initialSettings(settings.initialHttp2Settings(server)).validateHeaders(true).build();
    }
}
