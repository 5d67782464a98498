package dev.ambit.waypoint.observe;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;

/** Serves a registry in the Prometheus text format on {@code /metrics} (:15020 in a deployment). */
public final class MetricsEndpoint implements AutoCloseable {

    public static final int DEFAULT_PORT = 15020;

    private final HTTPServer server;

    public MetricsEndpoint(PrometheusRegistry registry, InetSocketAddress address) {
        try {
            server = HTTPServer.builder()
                    .hostname(address.getHostString())
                    .port(address.getPort())
                    .registry(registry)
                    .buildAndStart();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + address, e);
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
