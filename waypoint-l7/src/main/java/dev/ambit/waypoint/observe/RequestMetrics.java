package dev.ambit.waypoint.observe;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code ambit_requests_total} and {@code ambit_request_duration_seconds} (classic histogram, explicit buckets), plus
 * counters of what the resilience machinery did. Label children are cached per label set, so the hot path is one
 * map lookup.
 */
public final class RequestMetrics {

    /** Bucket bounds in seconds: sub-millisecond hops to the slow tail that timeouts cut off. */
    static final double[] BUCKETS = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};

    private static final String[] LABELS = {"source_workload", "source_workload_namespace", "source_principal",
        "destination_workload", "destination_workload_namespace", "destination_service", "method", "response_code"};

    private record Children(CounterDataPoint requests, DistributionDataPoint duration) {
    }

    private final Counter requests;
    private final Histogram duration;
    private final Counter retries;
    private final Counter budgetExhausted;
    private final Map<RequestLabels, Children> children = new ConcurrentHashMap<>();

    public RequestMetrics(PrometheusRegistry registry) {
        requests = Counter.builder().name("ambit_requests_total")
                .help("HTTP requests through the waypoint, by source, destination, method and response code")
                .labelNames(LABELS).register(registry);
        duration = Histogram.builder().name("ambit_request_duration_seconds")
                .help("Time from request head to end of response, retries included")
                .classicOnly().classicUpperBounds(BUCKETS)
                .labelNames(LABELS).register(registry);
        retries = Counter.builder().name("ambit_request_retries_total")
                .help("Retries sent to a destination service")
                .labelNames("destination_service").register(registry);
        budgetExhausted = Counter.builder().name("ambit_retry_budget_exhausted_total")
                .help("Retries refused because the destination's retry budget was spent")
                .labelNames("destination_service").register(registry);
    }

    public void record(RequestLabels labels, long durationNanos) {
        Children child = children.computeIfAbsent(labels, l -> new Children(
                requests.labelValues(values(l)), duration.labelValues(values(l))));
        child.requests().inc();
        child.duration().observe(durationNanos / 1e9);
    }

    public void retried(String destinationService) {
        retries.labelValues(destinationService).inc();
    }

    public void budgetExhausted(String destinationService) {
        budgetExhausted.labelValues(destinationService).inc();
    }

    private static String[] values(RequestLabels l) {
        return new String[] {l.sourceWorkload(), l.sourceNamespace(), l.sourcePrincipal(), l.destinationWorkload(),
            l.destinationNamespace(), l.destinationService(), l.method(), Integer.toString(l.responseCode())};
    }
}
