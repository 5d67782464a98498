package dev.ambit.ztunnel.metrics;

import dev.ambit.runtime.transport.FailureReason;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Arrays;

/**
 * {@code ambit_tcp_connections_refused_total}: connections a destination tunnel refused on its workload's policy
 * (PeerAuthentication STRICT, an L4 AuthorizationPolicy), labelled as {@code ambit_tcp_connections_opened_total}
 * would have labelled them, plus {@code reason}. The reason-only {@code ambit_tcp_connection_failures_total} names no
 * source or destination, so the graph could not place a refusal on an edge. The labels stay as bounded as the opened
 * counter's: workloads and principals of the mesh model or {@value ConnectionLabels#UNKNOWN}, and a reason of the
 * {@link FailureReason} enum.
 */
final class RefusalMetrics {

    private final Counter refused;

    RefusalMetrics(PrometheusRegistry registry) {
        String[] names = Arrays.copyOf(ConnectionLabels.NAMES, ConnectionLabels.NAMES.length + 1);
        names[names.length - 1] = "reason";
        this.refused = Counter.builder()
                .name("ambit_tcp_connections_refused")
                .help("TCP connections refused by the destination's policy, by source, destination and reason")
                .labelNames(names)
                .register(registry);
    }

    void record(ConnectionLabels labels, FailureReason reason) {
        String[] connection = labels.values();
        String[] values = Arrays.copyOf(connection, connection.length + 1);
        values[values.length - 1] = reason.label();
        refused.labelValues(values).inc();
    }
}
