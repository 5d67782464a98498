package dev.ambit.waypoint;

import dev.ambit.waypoint.inbound.InboundConnection;
import dev.ambit.waypoint.inbound.InboundConnectionSource;
import dev.ambit.waypoint.inbound.InboundPipeline;
import dev.ambit.waypoint.jwt.JwksCache;
import dev.ambit.waypoint.observe.AccessLog;
import dev.ambit.waypoint.observe.RequestMetrics;
import dev.ambit.runtime.transport.ConnectionFailureMetrics;
import dev.ambit.waypoint.proxy.CompiledConfig;
import dev.ambit.waypoint.proxy.ExchangeEnvironment;
import dev.ambit.waypoint.resilience.Backoff;
import dev.ambit.waypoint.upstream.ConnectionPools;
import dev.ambit.waypoint.upstream.UpstreamConnector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The L7 waypoint: takes client connections from {@link InboundConnectionSource}s (plain TCP, HBONE), serves HTTP/1.1
 * and HTTP/2 on them by the current {@link WaypointConfig}, and reaches backends through an
 * {@link UpstreamConnector} (plain TCP, HBONE).
 *
 * <pre>{@code
 * Waypoint waypoint = new Waypoint(settings, connector, registry);
 * waypoint.update(config);                 // any time; swapped atomically
 * waypoint.listen(new HboneInboundSource(transport, group, certs, HboneSettings.defaults(), address));
 * ...
 * waypoint.close();
 * }</pre>
 */
public final class Waypoint implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Waypoint.class);

    private final WaypointSettings settings;
    private final JwksCache keys;
    private final AtomicReference<CompiledConfig> config = new AtomicReference<>(CompiledConfig.empty());
    private final AccessLog accessLog;
    private final InboundPipeline pipeline;
    private final List<InboundConnectionSource> sources = new ArrayList<>();
    private final ConnectionFailureMetrics connectionFailures;

    /** @param registry where request metrics are registered (its process serves it on :15020 with the runtime's {@code MetricsServer}) */
    public Waypoint(WaypointSettings settings, UpstreamConnector connector, PrometheusRegistry registry) {
        this.settings = settings;
        this.keys = new JwksCache(settings.jwt());
        long backoff = settings.retryBackoff().toNanos();
        this.accessLog = new AccessLog(settings.accessLog());
        ExchangeEnvironment env = new ExchangeEnvironment(config::get,
                new ConnectionPools(connector, settings.upstream()), settings.limits(), new RequestMetrics(registry),
                accessLog, settings.random(), new Backoff(backoff, backoff * 10));
        this.pipeline = new InboundPipeline(env);
        this.connectionFailures = new ConnectionFailureMetrics(registry);
    }

    /**
     * Compiles {@code next} and swaps it in. Invalid input never gets here (the model validates on construction);
     * requests already under way finish with the snapshot they started on.
     */
    public void update(WaypointConfig next) {
        config.set(CompiledConfig.compile(next, config.get(), keys, settings.random(), settings.clock()));
        log.info("event=config_applied services={} routes={} traffic_policies={} authorization_policies={} "
                        + "request_authentications={}", next.services().size(), next.routes().size(),
                next.trafficPolicies().size(), next.authorizationPolicies().size(),
                next.requestAuthentications().size());
    }

    /** Starts serving the connections of {@code source}; closed with the waypoint. */
    public void listen(InboundConnectionSource source) {
        synchronized (sources) {
            sources.add(source);
        }
        source.start(this::serve, connectionFailures);
    }

    /** Serves one client connection: for sources that are not {@link InboundConnectionSource}s. */
    public void serve(InboundConnection connection) {
        pipeline.install(connection);
    }

    /** Connections the listeners refused, by reason ({@code ambit_tcp_connection_failures_total}). */
    public ConnectionFailureMetrics connectionFailures() {
        return connectionFailures;
    }

    /**
     * Stops listening and writes the access-log lines still queued; connections under way are left to finish (their
     * event loops belong to the caller), and their lines are written as they end.
     */
    @Override
    public void close() {
        synchronized (sources) {
            sources.forEach(InboundConnectionSource::close);
            sources.clear();
        }
        keys.close();
        accessLog.close();
    }
}
