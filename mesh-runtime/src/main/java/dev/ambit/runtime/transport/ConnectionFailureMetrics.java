package dev.ambit.runtime.transport;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@code ambit_tcp_connection_failures_total{reason}}: connections a process refused, or that broke before carrying
 * traffic. The tunnel and the waypoint both count theirs here, so a refusal under overload (a full listener, a
 * handshake that never finished) shows under the same name whichever process refused it. Every reason is
 * registered at zero, so that an alert on a rate sees the series before the first refusal.
 */
public final class ConnectionFailureMetrics implements ConnectionFailures {

    private final Map<FailureReason, CounterDataPoint> byReason = new EnumMap<>(FailureReason.class);

    public ConnectionFailureMetrics(PrometheusRegistry registry) {
        Counter failures = Counter.builder()
                .name("ambit_tcp_connection_failures")
                .help("Connections refused or broken before carrying traffic, by reason")
                .labelNames("reason")
                .register(registry);
        for (FailureReason reason : FailureReason.values()) {
            byReason.put(reason, failures.labelValues(reason.label()));
        }
    }

    @Override
    public void record(FailureReason reason) {
        byReason.get(reason).inc();
    }

    public long count(FailureReason reason) {
        return (long) byReason.get(reason).get();
    }
}
