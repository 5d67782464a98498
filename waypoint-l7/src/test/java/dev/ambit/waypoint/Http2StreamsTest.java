package dev.ambit.waypoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.waypoint.testing.AccessLogCapture;
import dev.ambit.waypoint.testing.Mesh;
import dev.ambit.waypoint.testing.NoLeaks;
import dev.ambit.waypoint.testing.TestBackend;
import dev.ambit.waypoint.testing.WaypointHarness;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A client's HTTP/2 streams at the frame level, where each is one exchange: a request body many stream windows long
 * arrives whole (its bytes go back to the windows as the exchange takes them), a client's reset is a disconnect of
 * that exchange alone, and an answer given before the request ended resets the rest of the request after it.
 */
@ExtendWith(NoLeaks.class)
class Http2StreamsTest {

    private static final long LARGE_BODY = 5L * 1024 * 1024;
    private static final int DATA_FRAME = 16 * 1024;

    static final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    static Channel countingBackend;
    static final AtomicLong counted = new AtomicLong();
    static TestBackend held;
    static WaypointHarness waypoint;

    @BeforeAll
    static void start() {
        countingBackend = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(new HttpServerCodec(), new ByteCounter());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
        held = TestBackend.http1("held");
        waypoint = new WaypointHarness(WaypointSettings.defaults());
        waypoint.update(new Mesh()
                .service("count", ((InetSocketAddress) countingBackend.localAddress()).getPort())
                .service("held", held.port())
                .config());
    }

    @AfterAll
    static void stop() {
        waypoint.close();
        held.close();
        countingBackend.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aRequestBodyOfManyStreamWindowsArrivesWhole() throws Exception {
        try (Client client = new Client()) {
            Stream stream = client.open();
            stream.send(new DefaultHttp2HeadersFrame(request("POST", "count"), false));
            for (long sent = 0; sent < LARGE_BODY; sent += DATA_FRAME) {
                // The client's codec holds DATA back until the waypoint opens the stream's window again.
                stream.channel.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[DATA_FRAME]),
                        sent + DATA_FRAME >= LARGE_BODY));
            }
            stream.channel.flush();
            assertEquals("200", stream.head().headers().status().toString());
            assertEquals(Long.toString(LARGE_BODY), stream.body());
            assertEquals(LARGE_BODY, counted.get());
        }
    }

    @Test
    void aClientsResetEndsItsExchangeAloneAsADisconnect() throws Exception {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        held.respond(seen -> TestBackend.Reply.heldUntil(gate, 200, "late"));
        try (Client client = new Client(); AccessLogCapture log = new AccessLogCapture()) {
            int before = held.requests();
            Stream abandoned = client.open();
            abandoned.send(new DefaultHttp2HeadersFrame(request("GET", "held"), true));
            held.awaitRequests(before + 1);
            abandoned.send(new DefaultHttp2ResetFrame(Http2Error.CANCEL));
            List<String> lines = log.awaitLines(1);
            assertEquals(1, lines.size());
            assertTrue(lines.get(0).contains("\"response_flags\":\"DC\""), lines.get(0));
            gate.complete(null);

            // The connection and its other streams go on.
            held.respond(seen -> TestBackend.Reply.ok("next"));
            Stream next = client.open();
            next.send(new DefaultHttp2HeadersFrame(request("GET", "held"), true));
            assertEquals("200", next.head().headers().status().toString());
            assertEquals("next", next.body());
        } finally {
            held.respond(seen -> TestBackend.Reply.ok("held"));
        }
    }

    @Test
    void anAnswerBeforeTheRequestEndedResetsTheRestOfTheRequestAfterIt() throws Exception {
        try (Client client = new Client()) {
            Stream stream = client.open();
            stream.send(new DefaultHttp2HeadersFrame(request("POST", "nowhere"), false));
            // Not waited for: the answer and the reset may close the stream before it leaves.
            stream.channel.writeAndFlush(new DefaultHttp2DataFrame(
                    Unpooled.copiedBuffer("part", StandardCharsets.US_ASCII), false));
            Http2HeadersFrame head = stream.head();
            assertEquals("404", head.headers().status().toString());
            assertTrue(stream.body().contains("no service for host"));
            Http2ResetFrame reset = assertInstanceOf(Http2ResetFrame.class, stream.next());
            assertEquals(Http2Error.CANCEL.code(), reset.errorCode());
        }
    }

    private static Http2Headers request(String method, String service) {
        return new DefaultHttp2Headers().method(method).path("/").scheme("http").authority(Mesh.host(service));
    }

    /** An HTTP/1.1 backend that answers each request with the number of body bytes it received. */
    private static final class ByteCounter extends ChannelInboundHandlerAdapter {

        private long bytes;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpContent content) {
                bytes += content.content().readableBytes();
                if (content instanceof LastHttpContent) {
                    counted.set(bytes);
                    DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                            HttpResponseStatus.OK, Unpooled.copiedBuffer(Long.toString(bytes),
                                    StandardCharsets.US_ASCII));
                    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
                    bytes = 0;
                    ctx.writeAndFlush(response);
                }
            }
            ReferenceCountUtil.release(msg);
        }
    }

    /** An h2c client speaking frames on its streams. */
    private static final class Client implements AutoCloseable {

        private final Channel connection = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()));
                    }
                })
                .connect("127.0.0.1", waypoint.port()).syncUninterruptibly().channel();

        Stream open() {
            Stream stream = new Stream();
            stream.channel = new Http2StreamChannelBootstrap(connection).handler(stream.recorder()).open()
                    .syncUninterruptibly().getNow();
            return stream;
        }

        @Override
        public void close() {
            connection.close().syncUninterruptibly();
        }
    }

    /** One stream: what it sends, and the frames the waypoint sends on it, in order. */
    private static final class Stream {

        private final BlockingQueue<Http2StreamFrame> received = new LinkedBlockingQueue<>();
        Http2StreamChannel channel;

        ChannelInboundHandlerAdapter recorder() {
            return new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    if (msg instanceof Http2DataFrame data) {
                        // Copied: the test reads it after the buffer went back to the pool.
                        received.add(new DefaultHttp2DataFrame(Unpooled.copiedBuffer(data.content()),
                                data.isEndStream()));
                        data.release();
                    } else if (msg instanceof Http2StreamFrame frame) {
                        received.add(frame);
                    } else {
                        ReferenceCountUtil.release(msg);
                    }
                }

                @Override
                public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                    // Netty hands a stream its RST_STREAM as an event: resets are not flow-controlled reads.
                    if (event instanceof Http2ResetFrame reset) {
                        received.add(reset);
                    }
                }
            };
        }

        void send(Http2StreamFrame frame) {
            channel.writeAndFlush(frame).syncUninterruptibly();
        }

        Http2StreamFrame next() throws InterruptedException {
            Http2StreamFrame frame = received.poll(20, TimeUnit.SECONDS);
            if (frame == null) {
                throw new AssertionError("no frame within 20 s");
            }
            return frame;
        }

        Http2HeadersFrame head() throws InterruptedException {
            return assertInstanceOf(Http2HeadersFrame.class, next());
        }

        /** The body up to END_STREAM. */
        String body() throws InterruptedException {
            StringBuilder body = new StringBuilder();
            while (true) {
                Http2StreamFrame frame = next();
                if (frame instanceof Http2DataFrame data) {
                    body.append(data.content().toString(StandardCharsets.UTF_8));
                    data.release();
                    if (data.isEndStream()) {
                        return body.toString();
                    }
                } else if (frame instanceof Http2HeadersFrame trailers && trailers.isEndStream()) {
                    return body.toString();
                } else {
                    throw new AssertionError("unexpected frame in the body: " + frame);
                }
            }
        }
    }
}
