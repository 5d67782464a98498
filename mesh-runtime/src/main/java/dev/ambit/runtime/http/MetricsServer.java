package dev.ambit.runtime.http;

import dev.ambit.runtime.transport.Transport;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus scrape endpoint ({@code GET /metrics}, :15020). A Netty listener like the tunnel's others, so it binds
 * with {@code SO_REUSEPORT} and a successor tunnel can serve the node's metrics port while this one drains. Scrapes
 * run off the event loops on one thread: callbacks read BPF maps and certificate state.
 *
 * <p>It may answer health probes beside {@code /metrics} ({@link Probe}), as the controller's monitoring port does
 * ({@code /healthz}, {@code /readyz}); they are checked on the same thread, in the order requests came.
 */
public final class MetricsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);
    public static final String PATH = "/metrics";
    /** Scrapers: Prometheus, the CLI, a person with curl. */
    private static final int MAX_CONNECTIONS = 32;

    /**
     * A path answered {@code 200} while {@code passing} holds, else {@code 503}, e.g. a readiness probe.
     *
     * @param path    the request's path; its query is ignored
     * @param passing checked for each request, off the event loops
     */
    public record Probe(String path, BooleanSupplier passing) {

        public Probe {
            if (!path.startsWith("/") || PATH.equals(path)) {
                throw new IllegalArgumentException("'" + path + "' cannot be a probe's path");
            }
        }
    }

    private final RenderingHttpListener listener;

    private MetricsServer(RenderingHttpListener listener) {
        this.listener = listener;
    }

    public static MetricsServer bind(Transport transport, EventLoopGroup group, InetSocketAddress address,
            PrometheusRegistry registry) {
        return bind(transport, group, address, registry, List.of());
    }

    /** {@code /metrics} and {@code probes}, each on its own path; any other path is answered 404. */
    public static MetricsServer bind(Transport transport, EventLoopGroup group, InetSocketAddress address,
            PrometheusRegistry registry, List<Probe> probes) {
        ExpositionFormats formats = ExpositionFormats.init();
        Map<String, BooleanSupplier> byPath = probes.stream()
                .collect(Collectors.toUnmodifiableMap(Probe::path, Probe::passing));
        return new MetricsServer(RenderingHttpListener.bind("metrics", transport, group, address, MAX_CONNECTIONS,
                renderer -> new Scrape(registry, formats, byPath, renderer)));
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
        private final Map<String, BooleanSupplier> probes;
        private final ResponseRenderer renderer;

        Scrape(PrometheusRegistry registry, ExpositionFormats formats, Map<String, BooleanSupplier> probes,
                ResponseRenderer renderer) {
            this.registry = registry;
            this.formats = formats;
            this.probes = probes;
            this.renderer = renderer;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (request.decoderResult().isFailure()) {
                HttpResponseStatus refusal = HttpReplies.refusalOf(request.decoderResult());
                renderer.refuse(ctx, refusal);
                return;
            }
            String path = new QueryStringDecoder(request.uri()).path();
            BooleanSupplier probe = probes.get(path);
            if (!PATH.equals(path) && probe == null) {
                renderer.refuse(ctx, HttpResponseStatus.NOT_FOUND);
                return;
            }
            if (!HttpMethod.GET.equals(request.method())) {
                renderer.reply(ctx, HttpReplies::onlyGet, false);
                return;
            }
            if (probe != null) {
                renderer.reply(ctx, alloc -> HttpReplies.text(alloc, probe.getAsBoolean()
                        ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE), HttpUtil.isKeepAlive(request));
                return;
            }
            ExpositionFormatWriter writer = formats.findWriter(request.headers().get(HttpHeaderNames.ACCEPT));
            renderer.reply(ctx, alloc -> HttpReplies.streamed(alloc, writer.getContentType(),
                    out -> writer.write(out, registry.scrape()),
                    e -> log.warn("event=metrics_scrape_failed error=\"{}\"", e.toString())),
                    HttpUtil.isKeepAlive(request));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
