package dev.ambit.nodeagent.metrics;

import dev.ambit.nodeagent.redirect.PinnedSteeringView;
import dev.ambit.nodeagent.redirect.SteeringCounters;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The node's steering from the kernel's side, on the tunnel's scrape endpoint: read from the agent's pinned maps at
 * scrape time, nothing counted twice. Before the tunnel has opened the pins there are no samples.
 */
public final class BpfMetrics {

    private BpfMetrics() {
    }

    public static void register(PrometheusRegistry registry, PinnedSteeringView steering) {
        GaugeWithCallback.builder()
                .name("ambit_bpf_enrolled_pods")
                .help("Pods whose connections the eBPF programs steer into the node tunnel")
                .callback(callback -> steering.enrolledPods().ifPresent(callback::call))
                .register(registry);
        CounterWithCallback.builder()
                .name("ambit_bpf_redirects_total")
                .help("Connections of enrolled pods redirected to the node tunnel")
                .callback(callback -> steering.counters().map(SteeringCounters::redirects).ifPresent(callback::call))
                .register(registry);
        CounterWithCallback.builder()
                .name("ambit_bpf_drops_total")
                .help("Plaintext TCP connection attempts into STRICT pods dropped because they did not come from the tunnel")
                .callback(callback -> steering.counters().map(SteeringCounters::strictDrops).ifPresent(callback::call))
                .register(registry);
    }
}
