package dev.ambit.ztunnel.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Prometheus scrape endpoint ({@code /metrics}, :15020), served off the event loops by one thread. */
public final class MetricsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MetricsServer.class);

    private final HTTPServer server;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "ambit-metrics");
        thread.setDaemon(true);
        return thread;
    });

    public MetricsServer(InetSocketAddress address, PrometheusRegistry registry) {
        try {
            server = HTTPServer.builder()
                    .inetAddress(address.getAddress())
                    .port(address.getPort())
                    .registry(registry)
                    .executorService(executor)
                    .buildAndStart();
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("cannot listen for metrics on " + address, e);
        }
        log.info("event=listener_bound listener=metrics address={}:{}", address.getAddress().getHostAddress(),
                server.getPort());
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
        executor.shutdownNow();
    }
}
