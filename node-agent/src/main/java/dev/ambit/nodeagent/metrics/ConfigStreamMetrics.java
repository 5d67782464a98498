package dev.ambit.nodeagent.metrics;

import dev.ambit.api.config.stream.ConfigStreamClient;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** How the agent's config stream fares: read from the client at scrape time. */
public final class ConfigStreamMetrics {

    private ConfigStreamMetrics() {
    }

    public static void register(PrometheusRegistry registry, ConfigStreamClient stream) {
        GaugeWithCallback.builder()
                .name("ambit_config_stream_connected")
                .help("1 while the config stream to the controller is up; 0 while the agent serves its last config")
                .callback(callback -> callback.call(stream.connected() ? 1 : 0))
                .register(registry);
        GaugeWithCallback.builder()
                .name("ambit_config_version_info")
                .help("The controller's config version each kind of config was last brought to (always 1)")
                .labelNames("type", "version")
                .callback(callback -> stream.appliedVersions()
                        .forEach((type, version) -> callback.call(1, type.kind(), version)))
                .register(registry);
        CounterWithCallback.builder()
                .name("ambit_config_push_total")
                .help("Config pushes from the controller, by whether they were applied (ACK) or rejected (NACK)")
                .labelNames("result")
                .callback(callback -> {
                    callback.call(stream.acceptedPushes(), "accepted");
                    callback.call(stream.rejectedPushes(), "rejected");
                })
                .register(registry);
    }
}
