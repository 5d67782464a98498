package dev.ambit.ztunnel.metrics;

import dev.ambit.ztunnel.http.HttpReplies;
import dev.ambit.ztunnel.http.RenderingHttpListener;
import dev.ambit.ztunnel.http.ResponseRenderer;
import dev.ambit.ztunnel.transport.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
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
    /** Scrapers: Prometheus, the CLI, a person with curl. */
    private static final int MAX_CONNECTIONS = 32;

    private final RenderingHttpListener listener;

    private MetricsServer(RenderingHttpListener listener) {
        this.listener = listener;
    }

    public static MetricsServer bind(Transport transport, EventLoopGroup group, InetSocketAddress address,
            PrometheusRegistry registry) {
        ExpositionFormats formats = ExpositionFormats.init();
        return new MetricsServer(RenderingHttpListener.bind("metrics", transport, group, address, MAX_CONNECTIONS,
                scrapes -> new Scrape(registry, formats, scrapes)));
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
    }

    private static final class Scrape extends SimpleChannelInboundHandler<FullHttpRequest> {

        private final PrometheusRegistry registry;
        private final ExpositionFormats formats;
        private final ResponseRenderer scrapes;

        Scrape(PrometheusRegistry registry, ExpositionFormats formats, ResponseRenderer scrapes) {
            this.registry = registry;
            this.formats = formats;
            this.scrapes = scrapes;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (!PATH.equals(new QueryStringDecoder(request.uri()).path())) {
                HttpReplies.send(ctx, HttpReplies.text(ctx.alloc(), HttpResponseStatus.NOT_FOUND), false);
                return;
            }
            if (!HttpMethod.GET.equals(request.method())) {
                HttpReplies.send(ctx, HttpReplies.text(ctx.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED), false);
                return;
            }
            ExpositionFormatWriter writer = formats.findWriter(request.headers().get(HttpHeaderNames.ACCEPT));
            scrapes.render(ctx, c -> scrape(c, writer), HttpUtil.isKeepAlive(request));
        }

        private FullHttpResponse scrape(ChannelHandlerContext ctx, ExpositionFormatWriter writer) {
            ByteBuf body = ctx.alloc().buffer();
            try (OutputStream out = new ByteBufOutputStream(body)) {
                writer.write(out, registry.scrape());
            } catch (IOException | RuntimeException e) {
                body.release();
                log.warn("event=metrics_scrape_failed error=\"{}\"", e.toString());
                return HttpReplies.text(ctx.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR);
            }
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, writer.getContentType());
            return response;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
