package dev.ambit.waypoint.observe.otlp;

import dev.ambit.api.mesh.TracingSettings;
import dev.ambit.waypoint.observe.RequestSpans;
import dev.ambit.waypoint.observe.SpanRecorder;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Request spans through the OpenTelemetry SDK to an OTLP/HTTP collector (protobuf, over the JDK's HTTP client).
 *
 * <p>Spans that end go to a batch processor's bounded queue ({@value #QUEUE} spans): adding never blocks an event
 * loop, and when the collector is slow or down the queue drops the newest spans rather than growing. The processor's
 * own thread sends batches of up to {@value #BATCH} every {@link #SCHEDULE_DELAY}.
 *
 * <p>Sampling is parent-based: a request that arrives with a sampling decision (traceparent flags, B3 sampled) keeps
 * it, so every hop records a trace or none does; a request that starts a trace is sampled at the mesh's rate, by
 * trace id, which other hops sampling the same id agree with.
 */
public final class OtlpSpanRecorder implements SpanRecorder {

    private static final Logger log = LoggerFactory.getLogger(OtlpSpanRecorder.class);
    static final int QUEUE = 2048;
    static final int BATCH = 512;
    static final Duration SCHEDULE_DELAY = Duration.ofSeconds(1);
    static final Duration EXPORT_TIMEOUT = Duration.ofSeconds(10);
    private static final String INSTRUMENTATION_SCOPE = "dev.ambit.waypoint";

    private final SdkTracerProvider provider;
    private final Tracer tracer;

    private OtlpSpanRecorder(SdkTracerProvider provider) {
        this.provider = provider;
        this.tracer = provider.get(INSTRUMENTATION_SCOPE);
    }

    public static OtlpSpanRecorder open(TracingSettings settings, String serviceName) {
        String endpoint = settings.endpoint().orElseThrow().toString();
        // No meter provider: the SDK's own metrics would otherwise look for a global one.
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(endpoint)
                .setTimeout(EXPORT_TIMEOUT)
                .setMeterProvider(MeterProvider::noop)
                .build();
        BatchSpanProcessor batches = BatchSpanProcessor.builder(exporter)
                .setMaxQueueSize(QUEUE)
                .setMaxExportBatchSize(BATCH)
                .setScheduleDelay(SCHEDULE_DELAY)
                .setExporterTimeout(EXPORT_TIMEOUT)
                .setMeterProvider(MeterProvider::noop)
                .build();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), serviceName)))
                .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(settings.sampling())))
                .addSpanProcessor(batches)
                .setMeterProvider(MeterProvider::noop)
                .build();
        log.info("event=tracing_enabled endpoint={} sampling={} service={}", endpoint, settings.sampling(),
                serviceName);
        return new OtlpSpanRecorder(provider);
    }

    @Override
    public RequestSpans request() {
        return new OtlpRequestSpans(tracer);
    }

    /** Exports what has ended so far; for tests and shutdown. */
    public boolean flush(Duration timeout) {
        return provider.forceFlush().join(timeout.toMillis(), TimeUnit.MILLISECONDS).isSuccess();
    }

    @Override
    public void close() {
        provider.shutdown().join(EXPORT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
