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
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus scrape endpoint ({@code GET /metrics}, :15020). A Netty listener like the tunnel's others, so it binds
 * with {@code SO_REUSEPORT} and a successor tunnel can serve the node's metrics port while this one drains. Scrapes
 * run off the event loops on one thread: callbacks read BPF maps and certificate state.
 *
 * <p>It may serve pages under a prefix ({@link Pages}), as the controller serves its graph under {@code /graph}.
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

    /**
     * The pages under {@code prefix} (e.g. {@code /graph}): {@code render} gets the request's path (its query
     * ignored) on the scrape thread and answers its content, or empty for 404. Pages should be ready-made bytes: they
     * share the thread with scrapes and probes.
     */
    public record Pages(String prefix, Function<String, Optional<Page>> render) {

        public Pages {
            if (!prefix.startsWith("/") || prefix.endsWith("/") || PATH.startsWith(prefix)) {
                throw new IllegalArgumentException("'" + prefix + "' cannot be a prefix of pages");
            }
        }

        boolean serves(String path) {
            return path.equals(prefix) || path.startsWith(prefix + "/");
        }
    }

    /** One page's answer: its bytes and their content type. */
    public record Page(String contentType, byte[] body) {
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
        return bind(transport, group, address, registry, probes, List.of());
    }

    /** {@code /metrics}, {@code probes} and {@code pages}; any other path is answered 404. */
    public static MetricsServer bind(Transport transport, EventLoopGroup group, InetSocketAddress address,
            PrometheusRegistry registry, List<Probe> probes, List<Pages> pages) {
        ExpositionFormats formats = ExpositionFormats.init();
        Map<String, BooleanSupplier> byPath = probes.stream()
                .collect(Collectors.toUnmodifiableMap(Probe::path, Probe::passing));
        List<Pages> allPages = List.copyOf(pages);
        return new MetricsServer(RenderingHttpListener.bind("metrics", transport, group, address, MAX_CONNECTIONS,
                renderer -> new Scrape(registry, formats, byPath, allPages, renderer)));
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
        private final List<Pages> pages;
        private final ResponseRenderer renderer;

        Scrape(PrometheusRegistry registry, ExpositionFormats formats, Map<String, BooleanSupplier> probes,
                List<Pages> pages, ResponseRenderer renderer) {
            this.registry = registry;
            this.formats = formats;
            this.probes = probes;
            this.pages = pages;
            this.renderer = renderer;
        }

        private Pages pagesOf(String path) {
            for (Pages candidate : pages) {
                if (candidate.serves(path)) {
                    return candidate;
                }
            }
            return null;
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
            Pages page = probe == null ? pagesOf(path) : null;
            if (!PATH.equals(path) && probe == null && page == null) {
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
            if (page != null) {
                renderer.reply(ctx, alloc -> page.render().apply(path)
                        .map(found -> HttpReplies.bytes(alloc, found.contentType(), found.body()))
                        .orElseGet(() -> HttpReplies.text(alloc, HttpResponseStatus.NOT_FOUND)),
                        HttpUtil.isKeepAlive(request));
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
