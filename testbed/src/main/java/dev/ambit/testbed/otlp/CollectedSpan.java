package dev.ambit.testbed.otlp;

import java.util.Map;

/**
 * One span as a collector received it, ids in lowercase hex.
 *
 * @param parentSpanId empty for a root span
 * @param kind         {@code SERVER}, {@code CLIENT}, ... (the OTLP enum without its prefix)
 * @param service      the {@code service.name} of the resource that sent it
 * @param attributes   string, long, double and boolean values as Java objects; arrays and maps as their text
 * @param status       {@code UNSET}, {@code OK} or {@code ERROR}
 */
public record CollectedSpan(String traceId, String spanId, String parentSpanId, String name, String kind,
        String service, Map<String, Object> attributes, String status, long startUnixNanos, long endUnixNanos) {

    public Object attribute(String key) {
        return attributes.get(key);
    }
}
