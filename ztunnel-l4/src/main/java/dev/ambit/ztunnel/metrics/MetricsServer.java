package dev.ambit.ztunnel.metrics;

import dev.ambit.ztunnel.transport.Listener;
import dev.ambit.ztunnel.transport.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus scrape endpoint ({@code GET /metrics}, :15020). A Netty listener like the tunnel's others, so it binds
 * with {@code SO_REUSEPORT} and a successor tunnel can serve the node's metrics port while this one drains. Scrapes
 * run off the event loops on one thread: callbacks read BPF maps and certificate state.
 */
public final class MetricsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
    public static final String PATH = "/metrics";
    private static final int MAX_REQUEST_LINE_AND_HEADERS = 8192;
    private static final int READ_TIMEOUT_SECONDS = 10;
    /** Scrapers: Prometheus, the CLI, a person with curl. */
    private static final int MAX_CONNECTIONS = 32;

    private final Listener listener;
    private final ExecutorService scrapes;

    private MetricsServer(Listener listener, ExecutorService scrapes) {
        this.listener = listener;
        this.scrapes = scrapes;
    }

    public static MetricsServer bind(Transport transport, EventLoopGroup group, InetSocketAddress address,
            PrometheusRegistry registry) {
        ExecutorService scrapes = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ambit-metrics");
            thread.setDaemon(true);
            return thread;
        });
        ExpositionFormats formats = ExpositionFormats.init();
        try {
            Listener listener = Listener.bind("metrics",
                    transport.serverBootstrap(group).childOption(ChannelOption.AUTO_READ, true), address,
                    MAX_CONNECTIONS, ConnectionFailures.IGNORE,
                    channel -> channel.pipeline().addLast(
                            new ReadTimeoutHandler(READ_TIMEOUT_SECONDS),
                            new HttpServerCodec(MAX_REQUEST_LINE_AND_HEADERS, MAX_REQUEST_LINE_AND_HEADERS,
                                    MAX_REQUEST_LINE_AND_HEADERS),
                            new HttpObjectAggregator(0),
                            new Scrape(registry, formats, scrapes)));
            return new MetricsServer(listener, scrapes);
        } catch (RuntimeException e) {
            scrapes.shutdownNow();
            throw e;
        }
    }

    public InetSocketAddress address() {
        return listener.address();
    }

    public int port() {
        return listener.address().getPort();
    }

    @Override
    public void close() {
        listener.close();
        scrapes.shutdownNow();
    }

    private static final class Scrape extends SimpleChannelInboundHandler<FullHttpRequest> {

        private final PrometheusRegistry registry;
        private final ExpositionFormats formats;
        private final ExecutorService scrapes;

        Scrape(PrometheusRegistry registry, ExpositionFormats formats, ExecutorService scrapes) {
            this.registry = registry;
            this.formats = formats;
            this.scrapes = scrapes;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (!PATH.equals(new QueryStringDecoder(request.uri()).path())) {
                respond(ctx, text(ctx, HttpResponseStatus.NOT_FOUND), false);
                return;
            }
            if (!HttpMethod.GET.equals(request.method())) {
                respond(ctx, text(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED), false);
                return;
            }
            ExpositionFormatWriter writer = formats.findWriter(request.headers().get(HttpHeaderNames.ACCEPT));
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            try {
                scrapes.execute(() -> {
                    FullHttpResponse response = scrape(ctx, writer);
                    ctx.executor().execute(() -> respond(ctx, response, keepAlive));
                });
            } catch (RejectedExecutionException e) {
                respond(ctx, text(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE), false);
            }
        }

        private FullHttpResponse scrape(ChannelHandlerContext ctx, ExpositionFormatWriter writer) {
            ByteBuf body = ctx.alloc().buffer();
            try (OutputStream out = new ByteBufOutputStream(body)) {
                writer.write(out, registry.scrape());
            } catch (IOException | RuntimeException e) {
                body.release();
                log.warn("event=metrics_scrape_failed error=\"{}\"", e.toString());
                return text(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR);
            }
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, writer.getContentType());
            return response;
        }

        private static FullHttpResponse text(ChannelHandlerContext ctx, HttpResponseStatus status) {
            ByteBuf body = ctx.alloc().buffer().writeBytes((status.reasonPhrase() + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
            return response;
        }

        private static void respond(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
            if (!ctx.channel().isActive()) {
                response.release();
                return;
            }
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            if (keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(response);
            } else {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
