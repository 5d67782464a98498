package dev.ambit.nodeagent.metrics;

import dev.ambit.nodeagent.redirect.BpfRedirector;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Agent health from the kernel's side: read from the BPF maps at scrape time, nothing counted twice. */
public final class BpfMetrics {

    private BpfMetrics() {
    }

    public static void register(PrometheusRegistry registry, BpfRedirector redirector) {
        GaugeWithCallback.builder()
                .name("ambit_bpf_enrolled_pods")
                .help("Pods whose connections the eBPF programs steer into the node tunnel")
                .callback(callback -> callback.call(redirector.enroller().enrolledCount()))
                .register(registry);
        CounterWithCallback.builder()
                .name("ambit_bpf_redirects_total")
                .help("Connections of enrolled pods redirected to the node tunnel")
                .callback(callback -> callback.call(redirector.counters().redirects()))
                .register(registry);
        CounterWithCallback.builder()
                .name("ambit_bpf_drops_total")
                .help("Plaintext TCP connection attempts into STRICT pods dropped because they did not come from the tunnel")
                .callback(callback -> callback.call(redirector.counters().strictDrops()))
                .register(registry);
    }
}
