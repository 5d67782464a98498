package dev.ambit.control.metrics;

import dev.ambit.runtime.http.MetricsServer;
import dev.ambit.runtime.lifecycle.ResourceStack;
import dev.ambit.runtime.transport.Transport;
import io.netty.channel.EventLoopGroup;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The controller's monitoring port: {@code /metrics} (Prometheus), {@code /healthz} (the process runs) and
 * {@code /readyz} (every source synced and config is being served), and the service graph under {@code /graph}
 * (docs/graph.md), all {@code GET}. The data plane's
 * {@link MetricsServer} on one event loop of its own. NIO: unlike a node tunnel, the controller hands no port over to a
 * successor, and a second controller on the same port should fail to bind rather than share it.
 */
public final class HealthServer implements AutoCloseable {

    public static final String LIVENESS_PATH = "/healthz";
    public static final String READINESS_PATH = "/readyz";

    private final ResourceStack opened;
    private final MetricsServer server;

    private HealthServer(ResourceStack opened, MetricsServer server) {
        this.opened = opened;
        this.server = server;
    }

    public static HealthServer start(InetSocketAddress address, PrometheusRegistry registry, BooleanSupplier ready) {
        return start(address, registry, ready, List.of());
    }

    /** Also serves {@code pages} (the service graph under {@code /graph}). */
    public static HealthServer start(InetSocketAddress address, PrometheusRegistry registry, BooleanSupplier ready,
            List<MetricsServer.Pages> pages) {
        return ResourceStack.openAll(opened -> {
            Transport transport = Transport.of(Transport.Kind.NIO);
            EventLoopGroup group = opened.push(transport.newEventLoopGroup(1, "ambit-health-http"),
                    loop -> loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly());
            MetricsServer server = opened.push(MetricsServer.bind(transport, group, address, registry, List.of(
                    new MetricsServer.Probe(LIVENESS_PATH, () -> true),
                    new MetricsServer.Probe(READINESS_PATH, ready)), pages));
            return new HealthServer(opened, server);
        });
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        opened.close();
    }
}
