package dev.ambit.control.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ambit.api.mesh.MeshLabels;
import dev.ambit.api.mesh.PrometheusText.Sample;
import dev.ambit.api.config.ResourceType;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.control.model.ConfigEntry;
import dev.ambit.control.model.ConfigSnapshot;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The graph's figures from a Prometheus that scrapes the mesh ({@code --graph-prometheus-url}) instead of from the
 * tunnels and waypoints themselves: one instant query ({@code /api/v1/query}) per metric for its totals, {@code sum by
 * (<the labels the graph reads>)}, and one for its rate over {@value #WINDOW}. The rates become the samples of "one
 * window ago" (total less rate times window), so that {@link GraphBuilder} draws the same graph from either source and
 * its p99 is {@code histogram_quantile(0.99, sum by (le, ...) (rate(..._bucket[1m])))}.
 *
 * <p>Tunnel series are told apart by the {@code node} label the chart's PodMonitor gives them; waypoint series by
 * their pod's {@code namespace} and {@code pod}, which the model maps to its Gateway.
 */
public final class PrometheusSource {

    static final String WINDOW = "1m";
    static final double WINDOW_SECONDS = 60;
    /** Each query's bound; a round's queries run at once. */
    static final Duration QUERY_TIMEOUT = Duration.ofSeconds(4);
    /** The most one answer may be, as for a scrape. */
    static final int MAX_ANSWER_BYTES = GraphScraper.MAX_ANSWER_BYTES;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final List<String> CONNECTION = List.of("direction", "source_workload", "source_namespace",
            "source_principal", "destination_workload", "destination_namespace", "destination_principal", "node");
    private static final List<String> REQUEST = List.of("source_workload", "source_workload_namespace",
            "source_principal", "destination_workload", "destination_workload_namespace", "destination_service",
            "response_code", "namespace", "pod");

    /** What the graph reads: a metric, the labels it keeps, whether its rate is wanted too. */
    private record Query(String metric, String aggregation, List<String> by, boolean rate) {

        String total() {
            return aggregation + " by (" + String.join(", ", by) + ") (" + metric + ")";
        }

        String ratePerSecond() {
            return "sum by (" + String.join(", ", by) + ") (rate(" + metric + "[" + WINDOW + "]))";
        }
    }

    private static final List<Query> QUERIES = List.of(
            new Query("ambit_tcp_connections_opened_total", "sum", CONNECTION, true),
            new Query("ambit_tcp_connections_closed_total", "sum", CONNECTION, true),
            new Query("ambit_tcp_sent_bytes_total", "sum", CONNECTION, true),
            new Query("ambit_tcp_received_bytes_total", "sum", CONNECTION, true),
            new Query("ambit_tcp_connections_refused_total", "sum", with(CONNECTION, "reason"), true),
            new Query("ambit_bpf_strict_drops_total", "sum", CONNECTION, true),
            new Query("ambit_tcp_connection_failures_total", "sum", List.of("node", "reason"), false),
            new Query("ambit_bpf_drops_total", "sum", List.of("node"), false),
            new Query("ambit_cert_expiry_seconds", "min", List.of("node", "identity"), false),
            new Query("ambit_requests_total", "sum", REQUEST, true),
            new Query("ambit_request_duration_seconds_bucket", "sum", with(REQUEST, "le"), true));

    /** One round: the samples by (synthetic) target, those of one window ago, and the window. */
    record Round(List<TargetScrape> scrapes, Map<String, List<Sample>> before, double elapsedSeconds) {
    }

    private final URI queryUri;
    private final Function<String, CompletableFuture<String>> get;

    PrometheusSource(URI queryUri, Function<String, CompletableFuture<String>> get) {
        this.queryUri = queryUri;
        this.get = get;
    }

    /** Queries {@code baseUrl} (e.g. {@code http://prometheus.monitoring:9090}) over {@code client}. */
    public static PrometheusSource over(HttpClient client, URI baseUrl) {
        String base = baseUrl.toString();
        URI queryUri = URI.create((base.endsWith("/") ? base : base + "/") + "api/v1/query");
        return new PrometheusSource(queryUri, promql -> client.sendAsync(HttpRequest.newBuilder(
                        URI.create(queryUri + "?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                        .timeout(QUERY_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(PrometheusSource::body));
    }

    URI queryUri() {
        return queryUri;
    }

    /**
     * Every query at once, each within {@link #QUERY_TIMEOUT}. A query that fails fails the round: the graph then
     * lists Prometheus under {@code scrapes} with the error, rather than half the figures.
     */
    Round round(ConfigSnapshot snapshot) {
        Map<String, CompletableFuture<String>> answers = new LinkedHashMap<>();
        for (Query query : QUERIES) {
            answers.put(query.total(), ask(query.total()));
            if (query.rate()) {
                answers.put(query.ratePerSecond(), ask(query.ratePerSecond()));
            }
        }
        Map<String, List<Sample>> results = new HashMap<>();
        for (Map.Entry<String, CompletableFuture<String>> answer : answers.entrySet()) {
            try {
                results.put(answer.getKey(), vector(answer.getValue().join()));
            } catch (CompletionException | IllegalStateException e) {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                String why = cause instanceof TimeoutException ? "no answer within " + QUERY_TIMEOUT.toSeconds() + " s"
                        : cause.getMessage() != null ? cause.getMessage() : cause.toString();
                return failed("query " + answer.getKey() + " at " + queryUri + ": " + why);
            }
        }
        return collect(snapshot, results);
    }

    private CompletableFuture<String> ask(String promql) {
        return get.apply(promql).orTimeout(QUERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Round failed(String error) {
        ScrapeTarget prometheus = new ScrapeTarget(ScrapeTarget.Kind.PROMETHEUS, "prometheus", queryUri);
        return new Round(List.of(TargetScrape.failed(prometheus, error)), Map.of(), 0);
    }

    /** The answers as samples of synthetic targets, one per node and per waypoint, and those one window ago. */
    private Round collect(ConfigSnapshot snapshot, Map<String, List<Sample>> results) {
        Map<String, String> waypointOfPod = waypointsByPod(snapshot);
        Map<ScrapeTarget, List<Sample>> now = new LinkedHashMap<>();
        Map<ScrapeTarget, List<Sample>> before = new LinkedHashMap<>();
        for (Query query : QUERIES) {
            Map<Map<String, String>, Double> rates = new HashMap<>();
            if (query.rate()) {
                results.get(query.ratePerSecond()).forEach(s -> rates.put(s.labels(), s.value()));
            }
            for (Sample total : results.get(query.total())) {
                Sample sample = new Sample(query.metric(), total.labels(), total.value());
                ScrapeTarget target = targetOf(sample, waypointOfPod);
                now.computeIfAbsent(target, t -> new ArrayList<>()).add(sample);
                Double rate = rates.get(total.labels());
                if (rate != null) {
                    before.computeIfAbsent(target, t -> new ArrayList<>()).add(new Sample(query.metric(),
                            total.labels(), total.value() - rate * WINDOW_SECONDS));
                }
            }
        }
        List<TargetScrape> scrapes = new ArrayList<>();
        now.forEach((target, samples) -> scrapes.add(TargetScrape.ok(target, samples)));
        Map<String, List<Sample>> previous = new HashMap<>();
        before.forEach((target, samples) -> previous.put(target.uri().toString(), samples));
        // Rates need some sample of one window ago; with none (nothing counted yet), the builder draws none.
        return new Round(scrapes, previous, previous.isEmpty() ? 0 : WINDOW_SECONDS);
    }

    private ScrapeTarget targetOf(Sample sample, Map<String, String> waypointOfPod) {
        if (sample.name().startsWith("ambit_request")) {
            String pod = sample.label("namespace") + "/" + sample.label("pod");
            String waypoint = waypointOfPod.getOrDefault(pod, pod);
            return new ScrapeTarget(ScrapeTarget.Kind.WAYPOINT, waypoint, URI.create(queryUri + "#waypoint="
                    + URLEncoder.encode(waypoint, StandardCharsets.UTF_8)));
        }
        String node = sample.label("node").isEmpty() ? "unknown" : sample.label("node");
        return new ScrapeTarget(ScrapeTarget.Kind.NODE, node, URI.create(queryUri + "#node="
                + URLEncoder.encode(node, StandardCharsets.UTF_8)));
    }

    /** {@code namespace/pod} of every waypoint pod of the model, to its {@code namespace/gateway}. */
    private static Map<String, String> waypointsByPod(ConfigSnapshot snapshot) {
        Map<String, String> waypoints = new HashMap<>();
        for (ConfigEntry entry : snapshot.resources(ResourceType.WORKLOAD).values()) {
            Workload workload = (Workload) entry.model();
            String gateway = workload.labels().get(MeshLabels.GATEWAY_NAME);
            if (gateway != null) {
                waypoints.put(workload.name().toString(), workload.name().namespace() + "/" + gateway);
            }
        }
        return waypoints;
    }

    private static String body(HttpResponse<String> response) {
        String body = response.body() == null ? "" : response.body();
        if (body.length() > MAX_ANSWER_BYTES) {
            throw new IllegalStateException("answer larger than " + MAX_ANSWER_BYTES + " bytes");
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + response.statusCode() + errorOf(body));
        }
        return body;
    }

    /** Prometheus's own words for a refused query ({@code errorType: error}), if the body has them. */
    private static String errorOf(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            return json.hasNonNull("error") ? " " + json.path("errorType").asText("error") + ": "
                    + json.get("error").asText() : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** An instant query's {@code vector} result as samples (named by the query's metric afterwards). */
    static List<Sample> vector(String body) {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("not a Prometheus answer: " + e.getMessage());
        }
        if (!"success".equals(json.path("status").asText())) {
            throw new IllegalStateException(json.path("errorType").asText("error") + ": "
                    + json.path("error").asText("status " + json.path("status").asText("missing")));
        }
        JsonNode data = json.path("data");
        if (!"vector".equals(data.path("resultType").asText())) {
            throw new IllegalStateException("expected a vector, got " + data.path("resultType").asText("nothing"));
        }
        List<Sample> samples = new ArrayList<>();
        for (JsonNode series : data.path("result")) {
            Map<String, String> labels = new HashMap<>();
            series.path("metric").fields().forEachRemaining(label -> labels.put(label.getKey(),
                    label.getValue().asText()));
            double value = number(series.path("value").path(1).asText("NaN"));
            if (!Double.isNaN(value)) {
                samples.add(new Sample("", Map.copyOf(labels), value));
            }
        }
        return samples;
    }

    /** Prometheus writes infinities as {@code +Inf} and {@code -Inf}, which {@link Double#parseDouble} does not read. */
    private static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    private static List<String> with(List<String> labels, String more) {
        List<String> all = new ArrayList<>(labels);
        all.add(more);
        return List.copyOf(all);
    }
}
