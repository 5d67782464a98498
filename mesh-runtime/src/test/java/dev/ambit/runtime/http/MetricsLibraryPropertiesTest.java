package dev.ambit.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;

/** The metrics library reads the mesh's {@code prometheus.properties}: no exemplar sampling on the data paths. */
class MetricsLibraryPropertiesTest {

    @Test
    void exemplarsAreOffForEveryMetric() {
        assertEquals(Boolean.FALSE, PrometheusProperties.get().getDefaultMetricProperties().getExemplarsEnabled());
    }

    @Test
    void aCounterDataPointHasNoExemplarSampler() throws Exception {
        Counter counter = Counter.builder().name("ambit_test_bytes").labelNames("peer")
                .register(new PrometheusRegistry());
        Object dataPoint = counter.labelValues("a");
        // The library's own field: with exemplars on, every data point gets a sampler that each inc() consults.
        Field sampler = dataPoint.getClass().getDeclaredField("exemplarSampler");
        sampler.setAccessible(true);
        assertNull(sampler.get(dataPoint), "the data point's exemplar sampler");
    }
}
