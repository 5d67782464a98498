package dev.ambit.waypoint.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/** A real Netty HTTP/1.1 or h2c backend on 127.0.0.1 with a pluggable answer; counts and remembers requests. */
public final class TestBackend implements AutoCloseable {

    /** What the backend saw of a request. */
    public record Seen(String method, String uri, HttpHeaders headers, String body) {
    }

    /**
     * How to answer.
     *
     * @param delay answer this long after the request arrived
     * @param gate  answer only once this completes (then after {@code delay}); null: no gate
     * @param resets answer nothing: reset the connection (RST) instead
     */
    public record Reply(int status, String body, Duration delay, CompletionStage<?> gate, boolean resets) {

        public Reply(int status, String body, Duration delay) {
            this(status, body, delay, null, false);
        }

        public static Reply ok(String body) {
            return new Reply(200, body, Duration.ZERO);
        }

        /** {@code status} with {@code body}, held back until {@code gate} completes: a backend busy until the test says. */
        public static Reply heldUntil(CompletionStage<?> gate, int status, String body) {
            return new Reply(status, body, Duration.ZERO, gate, false);
        }

        /** No answer: the connection is reset (SO_LINGER 0, then close), as by a crashed backend. */
        public static Reply reset() {
            return new Reply(0, "", Duration.ZERO, null, true);
        }
    }

    private final String name;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final AtomicInteger requests = new AtomicInteger();
    private volatile Function<Seen, Reply> responder;
    private volatile Seen last;
    private volatile Consumer<Channel> afterAnswer = channel -> { };
    private final Channel server;

    private TestBackend(String name, boolean h2c, Function<Seen, Reply> responder) {
        this.name = name;
        this.responder = responder;
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (h2c) {
                            channel.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                    new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                        @Override
                                        protected void initChannel(Http2StreamChannel stream) {
                                            stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                                                    new HttpObjectAggregator(1 << 20), new Answer());
                                        }
                                    }));
                        } else {
                            channel.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                    new Answer());
                        }
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    public static TestBackend http1(String name) {
        return new TestBackend(name, false, seen -> Reply.ok(name));
    }

    public static TestBackend h2c(String name) {
        return new TestBackend(name, true, seen -> Reply.ok(name));
    }

    public TestBackend respond(Function<Seen, Reply> newResponder) {
        this.responder = newResponder;
        return this;
    }

    /** Runs {@code action} with the channel an answer went out on, once it is written. */
    public TestBackend afterAnswer(Consumer<Channel> action) {
        this.afterAnswer = action;
        return this;
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public int requests() {
        return requests.get();
    }

    /**
     * Waits until the backend has seen at least {@code count} requests (counted as they arrive, before the answer);
     * fails after 10 s.
     */
    public void awaitRequests(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (requests) {
            while (requests.get() < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(name + " saw " + requests.get() + " requests, expected " + count);
                }
                TimeUnit.NANOSECONDS.timedWait(requests, left);
            }
        }
    }

    public Seen last() {
        return last;
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Answer extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            Seen seen = new Seen(request.method().name(), request.uri(), request.headers().copy(),
                    request.content().toString(StandardCharsets.UTF_8));
            // Remembered before counted: a test that sees the count go up then reads last().
            last = seen;
            synchronized (requests) {
                requests.incrementAndGet();
                requests.notifyAll();
            }
            Reply reply = responder.apply(seen);
            if (reply.resets()) {
                ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                ctx.close();
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            Runnable send = () -> {
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.valueOf(reply.status()),
                        Unpooled.copiedBuffer(reply.body(), StandardCharsets.UTF_8));
                response.headers().set("x-backend", name)
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
                if (!keepAlive) {
                    response.headers().set(HttpHeaderNames.CONNECTION, "close");
                }
                ctx.writeAndFlush(response).addListener(written -> afterAnswer.accept(ctx.channel()));
            };
            Runnable afterDelay = () -> {
                if (reply.delay().isZero()) {
                    send.run();
                } else {
                    ctx.executor().schedule(send, reply.delay().toMillis(), TimeUnit.MILLISECONDS);
                }
            };
            if (reply.gate() == null) {
                afterDelay.run();
            } else {
                reply.gate().whenComplete((done, error) -> ctx.executor().execute(afterDelay));
            }
        }
    }
}
