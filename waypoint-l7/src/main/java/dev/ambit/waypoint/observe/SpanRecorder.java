package dev.ambit.waypoint.observe;

import dev.ambit.api.mesh.TracingSettings;
import dev.ambit.waypoint.observe.otlp.OtlpSpanRecorder;

/**
 * Where a waypoint's request spans go. {@link #OFF} records nothing and allocates nothing per request; only
 * {@link #open} with tracing on reaches {@code observe.otlp}, so with tracing off no OpenTelemetry class is loaded.
 */
public interface SpanRecorder extends AutoCloseable {

    SpanRecorder OFF = new SpanRecorder() {
        @Override
        public RequestSpans request() {
            return RequestSpans.OFF;
        }

        @Override
        public void close() {
        }
    };

    /**
     * @param serviceName the {@code service.name} of the spans: the waypoint's Gateway, as {@code name.namespace}
     */
    static SpanRecorder open(TracingSettings settings, String serviceName) {
        return settings.enabled() ? OtlpSpanRecorder.open(settings, serviceName) : OFF;
    }

    /** The spans of one request; called on the request's event loop only. */
    RequestSpans request();

    /** Exports what is queued (bounded by the exporter's timeout) and stops. */
    @Override
    void close();
}
