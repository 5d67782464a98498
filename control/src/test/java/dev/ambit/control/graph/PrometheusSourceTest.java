package dev.ambit.control.graph;

import static dev.ambit.control.graph.DemoModel.CLIENT;
import static dev.ambit.control.graph.DemoModel.HELLO;
import static dev.ambit.control.graph.DemoModel.HELLO_SVC;
import static dev.ambit.control.graph.DemoModel.ROOT_NAMESPACE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.ambit.control.graph.MeshGraph.Edge;
import dev.ambit.control.model.ConfigSnapshot;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The graph of the demo's mesh from a fake Prometheus (a JDK HTTP server) answering {@code /api/v1/query}. */
class PrometheusSourceTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-06T18:00:00Z"), ZoneOffset.UTC);
    private static ConfigSnapshot snapshot;

    /** Every query the fake Prometheus was asked, decoded. */
    private final List<String> asked = new ArrayList<>();
    private HttpServer prometheus;

    @BeforeAll
    static void model(@TempDir Path dir) throws Exception {
        snapshot = DemoModel.snapshot(dir);
    }

    @AfterEach
    void stop() {
        if (prometheus != null) {
            prometheus.stop(0);
        }
    }

    /** Answers each query with {@code answer(query)}: a JSON body and its status. */
    private URI serve(Function<String, Map.Entry<Integer, String>> answer) throws IOException {
        prometheus = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        prometheus.createContext("/api/v1/query", exchange -> {
            String query = URLDecoder.decode(exchange.getRequestURI().getRawQuery().substring("query=".length()),
                    StandardCharsets.UTF_8);
            synchronized (asked) {
                asked.add(query);
            }
            Map.Entry<Integer, String> reply = answer.apply(query);
            byte[] body = reply.getValue().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(reply.getKey(), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        prometheus.start();
        return URI.create("http://127.0.0.1:" + prometheus.getAddress().getPort());
    }

    private static MeshGraph graphFrom(URI url) {
        GraphScraper scraper = GraphScraper.manual(() -> snapshot, ROOT_NAMESPACE,
                PrometheusSource.over(HttpClient.newHttpClient(), url), CLOCK);
        return scraper.scrapeNow();
    }

    private static Edge edge(MeshGraph graph, String id) {
        return graph.edges().stream().filter(e -> e.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no edge " + id + " in " + graph.edges()));
    }

    @Test
    void ratesP99AndRefusalsComeFromPromqlOverTheSameMetrics() throws IOException {
        Map<String, List<String>> series = new ConcurrentHashMap<>();
        String inbound = "\"direction\":\"inbound\",\"source_workload\":\"unknown\",\"source_namespace\":\"demo\","
                + "\"source_principal\":\"" + CLIENT + "\",\"destination_workload\":\"hello\","
                + "\"destination_namespace\":\"demo\",\"destination_principal\":\"" + HELLO + "\",\"node\":\"node2\"";
        series.put("ambit_tcp_connections_opened_total", List.of(sample(inbound, 300, 0.5)));
        series.put("ambit_tcp_connections_refused_total",
                List.of(sample(inbound + ",\"reason\":\"policy_denied\"", 50, 0.1)));
        series.put("ambit_tcp_connection_failures_total",
                List.of(sample("\"node\":\"node1\",\"reason\":\"policy_denied\"", 2, null)));
        series.put("ambit_cert_expiry_seconds",
                List.of(sample("\"node\":\"node1\",\"identity\":\"" + HELLO + "\"", 85000, null)));
        String request = "\"source_workload\":\"client\",\"source_workload_namespace\":\"demo\",\"source_principal\":\""
                + CLIENT + "\",\"destination_service\":\"" + HELLO_SVC + "\",\"namespace\":\"demo\",\"pod\":\"waypoint\"";
        String ok = request + ",\"destination_workload\":\"hello\",\"destination_workload_namespace\":\"demo\","
                + "\"response_code\":\"200\"";
        String denied = request + ",\"response_code\":\"403\"";
        series.put("ambit_requests_total", List.of(sample(ok, 1000, 2.0), sample(denied, 200, 0.5)));
        // Per second over the window: 200s: 1.5 within 5 ms, 2.0 within 500 ms; 403s: 0.5, all within 1 ms.
        series.put("ambit_request_duration_seconds_bucket", List.of(
                sample(ok + ",\"le\":\"0.001\"", 0, 0.0), sample(ok + ",\"le\":\"0.005\"", 900, 1.5),
                sample(ok + ",\"le\":\"0.5\"", 1000, 2.0), sample(ok + ",\"le\":\"+Inf\"", 1000, 2.0),
                sample(denied + ",\"le\":\"0.001\"", 200, 0.5), sample(denied + ",\"le\":\"0.005\"", 200, 0.5),
                sample(denied + ",\"le\":\"0.5\"", 200, 0.5), sample(denied + ",\"le\":\"+Inf\"", 200, 0.5)));
        URI url = serve(query -> Map.entry(200, vector(series, query)));

        MeshGraph graph = graphFrom(url);

        Edge l4 = graph.edges().stream().filter(e -> e.tcp() != null && e.id().equals("demo/client->demo/hello"))
                .findFirst().orElseThrow(() -> new AssertionError(graph.edges().toString()));
        assertEquals(300, l4.tcp().connectionsOpened());
        assertEquals(0.5, l4.tcp().connectionsPerSecond(), "rate(ambit_tcp_connections_opened_total[1m])");
        assertEquals(50L, l4.tcp().connectionsRefused());
        assertEquals(0.1, l4.tcp().refusedPerSecond());
        Edge http = edge(graph, "demo/client->demo/hello");
        assertEquals("demo/waypoint", http.waypoint(), "the waypoint pod's namespace and name, mapped to its Gateway");
        assertEquals(1200, http.http().requests());
        assertEquals(2.5, http.http().requestsPerSecond());
        assertEquals(0.2, http.http().errorShare(), 1e-9, "0.5 of 2.5 per second were 403s");
        // histogram_quantile(0.99, ...) over the summed bucket rates: 148.5 of the window's 150 observations is the
        // 28.5th of the 30 in (0.005, 0.5].
        assertEquals(0.005 + (0.5 - 0.005) * 28.5 / 30, http.http().p99Seconds(), 1e-9);
        assertEquals(85000.0, graph.nodes().stream().filter(n -> n.id().equals("demo/hello")).findFirst()
                .orElseThrow().workloads().stream().filter(w -> w.name().equals("demo/hello-v1")).findFirst()
                .orElseThrow().certificateExpiresInSeconds());
        assertEquals(Map.of("policy_denied", 2L), graph.meshNodes().stream().filter(m -> m.name().equals("node1"))
                .findFirst().orElseThrow().refusedConnections());
        assertEquals(60.0, graph.intervalSeconds(), "the rate window");
        assertTrue(graph.scrapes().stream().allMatch(MeshGraph.ScrapeStatus::ok), graph.scrapes().toString());
        synchronized (asked) {
            assertTrue(asked.contains("sum by (direction, source_workload, source_namespace, source_principal,"
                    + " destination_workload, destination_namespace, destination_principal, node)"
                    + " (rate(ambit_tcp_connections_opened_total[1m]))"), asked.toString());
        }
    }

    @Test
    void aQueryPrometheusRefusesIsReportedWithItsError() throws IOException {
        URI url = serve(query -> query.contains("ambit_requests_total")
                ? Map.entry(400, "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"parse error\"}")
                : Map.entry(200, vector(Map.of(), query)));

        MeshGraph graph = graphFrom(url);

        assertEquals(1, graph.scrapes().size(), graph.scrapes().toString());
        MeshGraph.ScrapeStatus status = graph.scrapes().get(0);
        assertEquals("prometheus", status.kind());
        assertFalse(status.ok());
        assertTrue(status.error().contains("ambit_requests_total") && status.error().endsWith("HTTP 400 bad_data: parse error"),
                status.error());
        assertTrue(graph.edges().isEmpty(), "no half graph: " + graph.edges());
        assertFalse(graph.nodes().isEmpty(), "the model's workloads are still drawn");
    }

    @Test
    void anUnreachablePrometheusIsReported() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }

        MeshGraph graph = graphFrom(URI.create("http://127.0.0.1:" + closed));

        MeshGraph.ScrapeStatus status = graph.scrapes().get(0);
        assertFalse(status.ok());
        assertEquals("http://127.0.0.1:" + closed + "/api/v1/query", status.url());
        assertTrue(status.error().contains("ConnectException"), status.error());
    }

    @Test
    void onlyHttpUrlsAreTaken() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> dev.ambit.control.ControllerConfig.builder().configDir(java.util.Optional.of(Path.of("/tmp")))
                        .graphPrometheusUrl(java.util.Optional.of(URI.create("prometheus:9090"))).build());
        assertTrue(e.getMessage().startsWith("--graph-prometheus-url prometheus:9090 must be an http(s) URL"),
                e.getMessage());
    }

    /** One series: its labels (JSON members), its total and (null: none) its rate per second. */
    private static String sample(String labels, double total, Double rate) {
        return labels + "|" + total + "|" + (rate == null ? "" : rate);
    }

    /** The answer to {@code query}: a total or a rate query over one of the {@code series}' metrics. */
    private static String vector(Map<String, List<String>> series, String query) {
        boolean rate = query.contains("(rate(");
        String metric = series.keySet().stream().filter(m -> query.contains("(" + m + ")")
                || query.contains("(rate(" + m + "[1m]))")).findFirst().orElse(null);
        StringBuilder result = new StringBuilder();
        for (String s : metric == null ? List.<String>of() : series.get(metric)) {
            String[] parts = s.split("\\|", -1);
            if (rate && parts[2].isEmpty()) {
                continue;
            }
            if (result.length() > 0) {
                result.append(',');
            }
            result.append("{\"metric\":{").append(parts[0]).append("},\"value\":[1765044000.0,\"")
                    .append(rate ? parts[2] : parts[1]).append("\"]}");
        }
        return "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[" + result + "]}}";
    }
}
