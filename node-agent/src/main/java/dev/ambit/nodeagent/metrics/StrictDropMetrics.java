package dev.ambit.nodeagent.metrics;

import dev.ambit.nodeagent.redirect.PinnedSteeringView;
import dev.ambit.nodeagent.redirect.StrictDrops;
import dev.ambit.ztunnel.config.TunnelConfig;
import dev.ambit.ztunnel.metrics.ConnectionLabels;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code ambit_bpf_strict_drops_total}: the plaintext connection attempts into STRICT pods that the kernel dropped,
 * by who tried and whom, with the labels {@code ambit_tcp_connections_opened_total} would have given the connection
 * inbound ({@link ConnectionLabels}). The kernel counts by address pair; the addresses are named here, at scrape
 * time, by the workloads the config has for them ({@value ConnectionLabels#UNKNOWN} for an address it does not know),
 * so the series stay as bounded as the workloads and the graph can draw the drops on their edge.
 */
public final class StrictDropMetrics {

    private StrictDropMetrics() {
    }

    public static void register(PrometheusRegistry registry, PinnedSteeringView steering, Supplier<TunnelConfig> config) {
        CounterWithCallback.builder()
                .name("ambit_bpf_strict_drops_total")
                .help("Plaintext TCP connection attempts into STRICT pods dropped by the kernel, by source and destination")
                .labelNames(ConnectionLabels.names())
                .callback(callback -> steering.strictDrops().ifPresent(flows ->
                        byLabels(flows, config.get()).forEach((labels, dropped) ->
                                callback.call(dropped, labels.toArray(String[]::new)))))
                .register(registry);
    }

    /** The flows' counts summed by their labels: two addresses of one workload make one series. */
    static Map<List<String>, Long> byLabels(List<StrictDrops.Flow> flows, TunnelConfig config) {
        Map<List<String>, Long> series = new HashMap<>();
        for (StrictDrops.Flow flow : flows) {
            ConnectionLabels labels = ConnectionLabels.of(ConnectionLabels.INBOUND, config.workload(flow.source()),
                    Optional.empty(), config.workload(flow.destination()));
            series.merge(Arrays.asList(labels.values()), flow.dropped(), Long::sum);
        }
        return series;
    }
}
