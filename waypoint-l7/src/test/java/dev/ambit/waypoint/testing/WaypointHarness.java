package dev.ambit.waypoint.testing;

import dev.ambit.waypoint.Waypoint;
import dev.ambit.waypoint.WaypointConfig;
import dev.ambit.waypoint.WaypointSettings;
import dev.ambit.waypoint.inbound.TcpInboundSource;
import dev.ambit.waypoint.observe.SpanRecorder;
import dev.ambit.waypoint.upstream.TcpUpstreamConnector;
import dev.ambit.waypoint.upstream.UpstreamConnector;
import dev.ambit.runtime.http.MetricsServer;
import dev.ambit.runtime.transport.Transport;
import dev.ambit.api.identity.SpiffeId;
import io.netty.channel.EventLoopGroup;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** A waypoint on a plain 127.0.0.1 listener with TCP upstreams and its own metrics registry. */
public final class WaypointHarness implements AutoCloseable {

    public final PrometheusRegistry registry = new PrometheusRegistry();
    public final Waypoint waypoint;
    private final Transport transport = Transport.best();
    private final EventLoopGroup group;
    private final TcpInboundSource source;

    public WaypointHarness(WaypointSettings settings) {
        this(settings, Optional.empty());
    }

    /** @param peer the identity every client connection is taken to have */
    public WaypointHarness(WaypointSettings settings, Optional<SpiffeId> peer) {
        this(settings, peer, UnaryOperator.identity());
    }

    /** @param upstream wraps the TCP connector the waypoint reaches backends with (to watch or hold connects) */
    public WaypointHarness(WaypointSettings settings, UnaryOperator<UpstreamConnector> upstream) {
        this(settings, Optional.empty(), upstream, SpanRecorder.OFF);
    }

    /** @param spans where the waypoint's request spans go; the caller closes it after this harness */
    public WaypointHarness(WaypointSettings settings, SpanRecorder spans) {
        this(settings, Optional.empty(), UnaryOperator.identity(), spans);
    }

    private WaypointHarness(WaypointSettings settings, Optional<SpiffeId> peer,
            UnaryOperator<UpstreamConnector> upstream) {
        this(settings, peer, upstream, SpanRecorder.OFF);
    }

    private WaypointHarness(WaypointSettings settings, Optional<SpiffeId> peer,
            UnaryOperator<UpstreamConnector> upstream, SpanRecorder spans) {
        group = transport.newEventLoopGroup(2, "test-waypoint");
        waypoint = new Waypoint(settings, upstream.apply(
                new TcpUpstreamConnector(transport, settings.upstream().connectTimeout())), registry, spans);
        source = new TcpInboundSource(transport, group, new InetSocketAddress("127.0.0.1", 0), peer,
                settings.limits().maxConnections());
        waypoint.listen(source);
    }

    public WaypointHarness update(WaypointConfig config) {
        waypoint.update(config);
        return this;
    }

    public int port() {
        return source.address().getPort();
    }

    /** Serves this waypoint's registry on {@code /metrics}, as its process does on :15020. */
    public MetricsServer serveMetrics(InetSocketAddress address) {
        return MetricsServer.bind(transport, group, address, registry);
    }

    @Override
    public void close() {
        waypoint.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
