package dev.ambit.control.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.control.metrics.HealthServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The graph on the controller's monitoring port, beside /metrics and the probes. */
class GraphPagesTest {

    private static final byte[] GRAPH = "{\"nodes\":[],\"edges\":[]}".getBytes(StandardCharsets.UTF_8);
    private HealthServer server;
    private final HttpClient client = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        server = HealthServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new PrometheusRegistry(), () -> true, List.of(new GraphPages(() -> GRAPH).pages()));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void theApiAnswersTheScrapersLatestGraphAsJson() throws Exception {
        HttpResponse<byte[]> answer = get(GraphPages.API_PATH);

        assertEquals(200, answer.statusCode());
        assertEquals("application/json", answer.headers().firstValue("content-type").orElse(""));
        assertArrayEquals(GRAPH, answer.body());
    }

    @Test
    void thePageLoadsCytoscapeFromItsWebJarAndItsScriptFromTheController() throws Exception {
        for (String path : List.of("/graph", "/graph/")) {
            HttpResponse<byte[]> page = get(path);
            assertEquals(200, page.statusCode(), path);
            String html = new String(page.body(), StandardCharsets.UTF_8);
            assertTrue(html.contains("<base href=\"/graph/\">"), "relative links work from /graph too");
            assertTrue(html.contains("src=\"lib/cytoscape.min.js\"") && html.contains("src=\"graph.js\""), html);
            assertTrue(!html.contains("http://") && !html.contains("https://"), "nothing from a CDN");
        }
        HttpResponse<byte[]> library = get("/graph/lib/cytoscape.min.js");
        assertEquals(200, library.statusCode());
        assertTrue(library.body().length > 100_000, "the whole library, " + library.body().length + " bytes");
        assertTrue(library.headers().firstValue("content-type").orElse("").startsWith("text/javascript"));
        String script = new String(get("/graph/graph.js").body(), StandardCharsets.UTF_8);
        assertTrue(script.contains("fetch('api/graph'") && script.contains("setInterval(refresh"),
                "the page reads the API and refreshes by itself");
        assertEquals(200, get("/graph/graph.css").statusCode());
    }

    @Test
    void otherPathsUnderTheGraphAreNotFoundAndTheMonitoringPathsStillWork() throws Exception {
        assertEquals(404, get("/graph/api/other").statusCode());
        assertEquals(404, get("/graphs").statusCode());
        assertEquals(200, get("/metrics").statusCode());
        assertEquals(200, get(HealthServer.READINESS_PATH).statusCode());
    }
}
