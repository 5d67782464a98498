package dev.ambit.control.metrics;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.config.v1.ClientInfo;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/** The controller's Prometheus metrics; label children are cached, as these sit on push and signing paths. */
public final class ControlMetrics {

    /** Outcomes of a certificate request. */
    public enum CaResult {
        ISSUED, UNAUTHENTICATED, DENIED, INVALID, UNAVAILABLE;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Outcomes of the leader's work on one waypoint {@code Gateway}. */
    public enum WaypointResult {
        DEPLOYED, REMOVED, FAILED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final PrometheusRegistry registry;
    private final Gauge connectedClients;
    private final Map<ResourceType, CounterDataPoint> pushes = new EnumMap<>(ResourceType.class);
    private final Map<ResourceType, CounterDataPoint> nacks = new EnumMap<>(ResourceType.class);
    private final Map<CaResult, CounterDataPoint> certificates = new EnumMap<>(CaResult.class);
    private final Histogram pushLatency;
    private final Counter configErrors;
    private final Gauge leader;
    private final Map<WaypointResult, CounterDataPoint> waypoints = new EnumMap<>(WaypointResult.class);

    public ControlMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        connectedClients = Gauge.builder().name("ambit_control_connected_clients")
                .help("Config stream clients connected, by kind").labelNames("kind").register(registry);
        Counter pushCounter = Counter.builder().name("ambit_control_config_pushes")
                .help("Config pushes sent, by resource type").labelNames("type").register(registry);
        Counter nackCounter = Counter.builder().name("ambit_control_config_nacks")
                .help("Config pushes rejected by clients, by resource type").labelNames("type").register(registry);
        for (ResourceType type : ResourceType.values()) {
            pushes.put(type, pushCounter.labelValues(type.kind()));
            nacks.put(type, nackCounter.labelValues(type.kind()));
        }
        pushLatency = Histogram.builder().name("ambit_control_config_push_latency_seconds")
                .help("From the source change (or the subscription) to the push that carries it")
                .classicOnly()
                .classicUpperBounds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
                .register(registry);
        Counter certificateCounter = Counter.builder().name("ambit_control_ca_requests")
                .help("Certificate requests, by result").labelNames("result").register(registry);
        for (CaResult result : CaResult.values()) {
            certificates.put(result, certificateCounter.labelValues(result.label()));
        }
        configErrors = Counter.builder().name("ambit_control_config_errors")
                .help("Source objects refused as invalid (the previous good version keeps being served)")
                .register(registry);
        leader = Gauge.builder().name("ambit_control_leader")
                .help("1 while this replica leads (deploys waypoints, writes status and trust bundles), else 0")
                .register(registry);
        Counter waypointCounter = Counter.builder().name("ambit_control_waypoint_updates")
                .help("Waypoint Deployment/Service/ServiceAccount sets applied or removed by the leader, by result")
                .labelNames("result").register(registry);
        for (WaypointResult result : WaypointResult.values()) {
            waypoints.put(result, waypointCounter.labelValues(result.label()));
        }
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public void clientConnected(ClientInfo.Kind kind) {
        connectedClients.labelValues(kind.name().toLowerCase(Locale.ROOT)).inc();
    }

    public void clientDisconnected(ClientInfo.Kind kind) {
        connectedClients.labelValues(kind.name().toLowerCase(Locale.ROOT)).dec();
    }

    public void pushed(ResourceType type, long latencyNanos) {
        pushes.get(type).inc();
        pushLatency.observe(latencyNanos / 1e9);
    }

    public void nacked(ResourceType type) {
        nacks.get(type).inc();
    }

    public void certificateRequest(CaResult result) {
        certificates.get(result).inc();
    }

    public void configError() {
        configErrors.inc();
    }

    public void leading(boolean leading) {
        leader.set(leading ? 1 : 0);
    }

    public void waypointUpdate(WaypointResult result) {
        waypoints.get(result).inc();
    }
}
