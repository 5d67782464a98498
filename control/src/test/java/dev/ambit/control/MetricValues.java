package dev.ambit.control;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;

/** Reads one sample of a counter or gauge straight from the registry, as a scrape would show it. */
public final class MetricValues {

    private MetricValues() {
    }

    /**
     * The value of {@code name} (without {@code _total}) with {@code label=value}; 0 when there is no such sample,
     * as a counter that was never incremented.
     */
    public static double value(PrometheusRegistry registry, String name, String label, String value) {
        return registry.scrape().stream()
                .filter(snapshot -> snapshot.getMetadata().getName().equals(name))
                .flatMap(snapshot -> snapshot.getDataPoints().stream())
                .filter(point -> value.equals(point.getLabels().get(label)))
                .mapToDouble(MetricValues::valueOf)
                .sum();
    }

    private static double valueOf(DataPointSnapshot point) {
        if (point instanceof CounterSnapshot.CounterDataPointSnapshot counter) {
            return counter.getValue();
        }
        if (point instanceof GaugeSnapshot.GaugeDataPointSnapshot gauge) {
            return gauge.getValue();
        }
        throw new IllegalArgumentException("not a counter or gauge sample: " + point);
    }
}
