package dev.ambit.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.runtime.testing.Http;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.transport.Transport;
import io.netty.channel.EventLoopGroup;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The metrics listener with health probes beside {@code /metrics}, as the controller's monitoring port uses it. */
@ExtendWith(LeakDetectorExtension.class)
class MetricsServerProbeTest {

    private final Transport transport = Transport.best();
    private final AtomicBoolean ready = new AtomicBoolean();
    private EventLoopGroup group;
    private MetricsServer server;

    @BeforeEach
    void start() {
        group = transport.newEventLoopGroup(1, "test-metrics");
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter.builder().name("probe_test_total").help("a metric to find").register(registry).inc();
        server = MetricsServer.bind(transport, group, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                registry, List.of(new MetricsServer.Probe("/healthz", () -> true),
                        new MetricsServer.Probe("/readyz", ready::get)));
    }

    @AfterEach
    void stop() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void servesMetricsBesideTheProbes() {
        Http.Response metrics = Http.get(server.address(), "/metrics");
        assertEquals(200, metrics.status());
        assertTrue(metrics.body().contains("probe_test_total"), metrics.body());
        assertEquals(200, Http.get(server.address(), "/healthz").status());
    }

    @Test
    void aProbeAnswersWhatItsConditionSaysAtEachRequest() {
        assertEquals(503, Http.get(server.address(), "/readyz").status());
        ready.set(true);
        assertEquals(200, Http.get(server.address(), "/readyz").status());
        assertEquals(200, Http.get(server.address(), "/readyz?verbose").status(), "a query does not change the path");
    }

    @Test
    void otherPathsAndMethodsAreRefused() {
        assertEquals(404, Http.get(server.address(), "/healthz/ready").status());
        assertEquals(405, Http.raw(server.address(), "POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
                .status());
    }

    @Test
    void withoutProbesOnlyMetricsIsServed() {
        try (MetricsServer plain = MetricsServer.bind(transport, group,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), new PrometheusRegistry())) {
            assertEquals(404, Http.get(plain.address(), "/healthz").status());
            assertEquals(200, Http.get(plain.address(), "/metrics").status());
        }
    }

    @Test
    void aProbeCannotTakeTheMetricsPath() {
        assertThrows(IllegalArgumentException.class, () -> new MetricsServer.Probe("/metrics", () -> true));
        assertThrows(IllegalArgumentException.class, () -> new MetricsServer.Probe("readyz", () -> true));
    }
}
