package dev.ambit.waypoint.proxy;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.waypoint.observe.AccessLogEntry;
import dev.ambit.waypoint.observe.AccessLogField;
import dev.ambit.waypoint.observe.RequestLabels;
import dev.ambit.waypoint.observe.RequestSpans;
import dev.ambit.waypoint.route.ServiceKey;
import dev.ambit.waypoint.upstream.UpstreamHost;
import io.netty.handler.codec.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What one exchange did, gathered as it happens and reported once, at its end: one metrics sample, one access-log
 * line, and its spans (started as it goes, ended with what the line says).
 */
final class ExchangeReport {

    private final ExchangeEnvironment env;
    private final CompiledConfig config;
    private final Downstream downstream;
    private final HttpRequest request;
    private final long startNanos = System.nanoTime();
    private final AccessLogEntry entry = new AccessLogEntry();
    private final List<String> flags = new ArrayList<>(2);
    private final RequestSpans spans;
    private int status;
    private long bytesSent;

    ExchangeReport(ExchangeEnvironment env, CompiledConfig config, Downstream downstream, HttpRequest request) {
        this.env = env;
        this.config = config;
        this.downstream = downstream;
        this.request = request;
        this.spans = env.spans().request();
    }

    RequestSpans spans() {
        return spans;
    }

    /** The access-log line, filled in as the exchange learns its fields. */
    AccessLogEntry entry() {
        return entry;
    }

    /** An Envoy-style response flag (e.g. {@code UF}, {@code URX}), in the order they happened. */
    void flag(String flag) {
        flags.add(flag);
    }

    List<String> flags() {
        return flags;
    }

    int status() {
        return status;
    }

    void status(int status) {
        this.status = status;
    }

    void bytesSent(long bytes) {
        bytesSent = bytes;
    }

    void addBytesSent(long bytes) {
        bytesSent += bytes;
    }

    /**
     * Records the sample and writes the line.
     *
     * @param serviceKey the destination service, null when the request never got that far
     * @param cluster    the backend it was routed to, null when it was not
     * @param lastHost   the endpoint of the last attempt, null when there was none
     */
    void write(ServiceKey serviceKey, Cluster cluster, UpstreamHost lastHost, int attempts, long bytesReceived) {
        long duration = System.nanoTime() - startNanos;
        Optional<Workload> source = downstream.peer().flatMap(config.directory()::workloadOf);
        Optional<Workload> destination = lastHost == null ? Optional.empty() : lastHost.target().workload();
        String service = cluster != null ? cluster.service().hostname()
                : serviceKey != null ? config.directory().service(serviceKey.service()).map(s -> s.hostname())
                        .orElse(RequestLabels.UNKNOWN) : RequestLabels.UNKNOWN;
        env.metrics().record(new RequestLabels(
                source.map(Workload::canonicalName).orElse(RequestLabels.UNKNOWN),
                source.map(w -> w.name().namespace())
                        .orElse(downstream.peer().map(SpiffeId::namespace).orElse(RequestLabels.UNKNOWN)),
                downstream.peer().map(SpiffeId::uri).orElse(RequestLabels.UNKNOWN),
                destination.map(Workload::canonicalName).orElse(RequestLabels.UNKNOWN),
                destination.map(w -> w.name().namespace()).orElse(
                        cluster != null ? cluster.key().service().namespace() : RequestLabels.UNKNOWN),
                service,
                RequestLabels.methodClass(request.method().name()),
                status), duration);
        entry.put(AccessLogField.RESPONSE_CODE, status)
                .put(AccessLogField.RESPONSE_FLAGS, flags.isEmpty() ? "-" : String.join(",", flags))
                .put(AccessLogField.BYTES_RECEIVED, bytesReceived)
                .put(AccessLogField.BYTES_SENT, bytesSent)
                .put(AccessLogField.DURATION_MS, duration / 1_000_000)
                .put(AccessLogField.ATTEMPTS, attempts)
                .put(AccessLogField.UPSTREAM_HOST, lastHost == null ? null : lastHost.target());
        // Before the line goes to the access log's thread: the spans read their attributes from it.
        spans.end(entry);
        env.accessLog().write(entry);
    }
}
