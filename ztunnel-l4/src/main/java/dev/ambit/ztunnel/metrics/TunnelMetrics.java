package dev.ambit.ztunnel.metrics;

import dev.ambit.runtime.transport.ConnectionFailureMetrics;
import dev.ambit.runtime.transport.ConnectionFailures;
import dev.ambit.runtime.transport.FailureReason;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.bridge.TrafficObserver;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * The tunnel's Prometheus metrics. Label children are looked up once per connection (and cached per label set), so
 * counting bytes on the data path is one add on a data point.
 */
public final class TunnelMetrics implements ConnectionFailures {

    /** Waits of a just-enrolled pod: a config push and a certificate signing, milliseconds to seconds. */
    private static final double[] SOURCE_WAIT_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final PrometheusRegistry registry;
    private final Counter opened;
    private final Counter closed;
    private final Counter sent;
    private final Counter received;
    private final RefusalMetrics refusals;
    private final ConnectionFailureMetrics failures;
    private final Histogram sourceWaits;
    private final ConcurrentMap<ConnectionLabels, Series> series = new ConcurrentHashMap<>();

    public TunnelMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        this.opened = counter("ambit_tcp_connections_opened", "Tunnelled TCP connections opened");
        this.closed = counter("ambit_tcp_connections_closed", "Tunnelled TCP connections closed");
        this.sent = counter("ambit_tcp_sent_bytes", "Bytes sent from the source to the destination");
        this.received = counter("ambit_tcp_received_bytes", "Bytes received by the source from the destination");
        this.refusals = new RefusalMetrics(registry);
        this.failures = new ConnectionFailureMetrics(registry);
        this.sourceWaits = Histogram.builder().name("ambit_outbound_source_wait_seconds")
                .help("How long redirected connections from a source not yet in the config, or without its"
                        + " certificate yet (a pod just enrolled), waited; outcome ready, timed_out or client_closed")
                .classicOnly().classicUpperBounds(SOURCE_WAIT_BUCKETS)
                .labelNames("outcome").register(registry);
    }

    /** How many waits ended with {@code outcome}. */
    public long sourceWaits(String outcome) {
        return sourceWaits.labelValues(outcome).getCount();
    }

    /** A redirected connection waited for its source's config and certificate (docs/cni.md, "First packets"). */
    public void sourceWaited(String outcome, long nanos) {
        sourceWaits.labelValues(outcome).observe(nanos / 1e9);
    }

    /** Counts a new connection and returns the observer that counts its bytes and its end. */
    public TrafficObserver connectionOpened(ConnectionLabels labels) {
        Series s = series.computeIfAbsent(labels, this::newSeries);
        s.opened.inc();
        return s;
    }

    @Override
    public void record(FailureReason reason) {
        failures.record(reason);
    }

    public long failures(FailureReason reason) {
        return failures.count(reason);
    }

    /**
     * Counts a connection refused by its destination's policy, under the labels it would have been opened with (so
     * the graph draws it on the edge it hit). {@link #record} still counts it by reason alone.
     */
    public void connectionRefused(ConnectionLabels labels, FailureReason reason) {
        refusals.record(labels, reason);
    }

    /** {@code ambit_cert_expiry_seconds}: seconds until each held identity's certificate expires, read at scrape. */
    public void watchCertificates(Supplier<Map<SpiffeId, Instant>> expiries, Clock clock) {
        GaugeWithCallback.builder()
                .name("ambit_cert_expiry_seconds")
                .help("Seconds until the certificate of each identity held by this tunnel expires")
                .labelNames("identity")
                .callback(callback -> expiries.get().forEach((identity, notAfter) -> callback.call(
                        Duration.between(clock.instant(), notAfter).toMillis() / 1000.0, identity.uri())))
                .register(registry);
    }

    /** {@code ambit_tunnel_info}: which transport and TLS provider this tunnel runs on. */
    public void describe(String transport, String tlsProvider) {
        Info.builder()
                .name("ambit_tunnel_info")
                .help("The I/O transport and TLS provider of the tunnel")
                .labelNames("transport", "tls_provider")
                .register(registry)
                .addLabelValues(transport, tlsProvider);
    }

    private Counter counter(String name, String help) {
        return Counter.builder().name(name).help(help).labelNames(ConnectionLabels.NAMES).register(registry);
    }

    private Series newSeries(ConnectionLabels labels) {
        String[] values = labels.values();
        return new Series(opened.labelValues(values), closed.labelValues(values), sent.labelValues(values),
                received.labelValues(values));
    }

    private record Series(CounterDataPoint opened, CounterDataPoint closed, CounterDataPoint sent,
            CounterDataPoint received) implements TrafficObserver {

        @Override
        public void sent(int bytes) {
            sent.inc(bytes);
        }

        @Override
        public void received(int bytes) {
            received.inc(bytes);
        }

        @Override
        public void finished(boolean aborted) {
            closed.inc();
        }
    }
}
