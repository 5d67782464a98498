package dev.ambit.waypoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.http.MetricsServer;
import dev.ambit.waypoint.testing.AccessLogCapture;
import dev.ambit.waypoint.testing.Http1Client;
import dev.ambit.waypoint.testing.Mesh;
import dev.ambit.waypoint.testing.NoLeaks;
import dev.ambit.waypoint.testing.TestBackend;
import dev.ambit.waypoint.testing.WaypointHarness;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Request metrics on the Prometheus endpoint, trace propagation with a new span per hop, and the access log. */
@ExtendWith(NoLeaks.class)
class ObservabilityTest {

    static final SpiffeId CLIENT = Mesh.identity("productpage");
    static TestBackend backend;
    static WaypointHarness waypoint;
    static Http1Client client;

    @BeforeAll
    static void start() {
        backend = TestBackend.http1("ratings");
        waypoint = new WaypointHarness(WaypointSettings.defaults(), Optional.of(CLIENT));
        waypoint.update(new Mesh().service("ratings", backend.port()).config());
        client = new Http1Client(waypoint.port());
    }

    @AfterAll
    static void stop() {
        waypoint.close();
        backend.close();
    }

    @Test
    void requestsAreCountedAndTimedByWorkloadPrincipalMethodAndCode() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals(200, client.get("ratings", "/").statusCode());
        }
        assertEquals(404, client.get("nowhere", "/").statusCode());
        try (MetricsServer metrics = waypoint.serveMetrics(new InetSocketAddress("127.0.0.1", 0))) {
            String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + metrics.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            String labels = "destination_service=\"" + Mesh.host("ratings") + "\",destination_workload=\"ratings\","
                    + "destination_workload_namespace=\"demo\",method=\"GET\",response_code=\"200\","
                    + "source_principal=\"" + CLIENT.uri() + "\",source_workload=\"unknown\","
                    + "source_workload_namespace=\"demo\"";
            java.util.regex.Matcher count = java.util.regex.Pattern.compile(
                    java.util.regex.Pattern.quote("ambit_requests_total{" + labels + "} ") + "([0-9.]+)").matcher(text);
            assertTrue(count.find(), text);
            assertTrue(Double.parseDouble(count.group(1)) >= 3, text);
            assertTrue(text.contains("ambit_request_duration_seconds_bucket{" + labels + ",le=\"0.25\"}"), text);
            assertTrue(text.contains("response_code=\"404\""), text);
        }
    }

    @Test
    void traceparentContinuesTheTraceWithANewSpan() {
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String parent = "00f067aa0ba902b7";
        client.send("ratings", "GET", "/", Map.of("traceparent", "00-" + trace + "-" + parent + "-01"), null);
        String forwarded = backend.last().headers().get("traceparent");
        String[] parts = forwarded.split("-");
        assertEquals(trace, parts[1]);
        assertNotEquals(parent, parts[2]);
        assertEquals("01", parts[3]);
        assertEquals(parent, backend.last().headers().get("x-b3-parentspanid"));
        assertEquals(parts[2], backend.last().headers().get("x-b3-spanid"));
    }

    @Test
    void b3IsContinuedAndANewTraceStartsWithout() {
        client.send("ratings", "GET", "/", Map.of("x-b3-traceid", "a3ce929d0e0e4736", "x-b3-spanid",
                "00f067aa0ba902b7", "x-b3-sampled", "1"), null);
        assertTrue(backend.last().headers().get("traceparent").startsWith("00-0000000000000000a3ce929d0e0e4736-"));
        client.get("ratings", "/");
        assertTrue(backend.last().headers().get("traceparent").matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01"));
        assertTrue(backend.last().headers().contains("x-request-id"));
    }

    @Test
    void oneJsonAccessLogLinePerRequest() {
        List<String> lines;
        try (AccessLogCapture capture = new AccessLogCapture()) {
            client.send("ratings", "GET", "/logged?q=1", Map.of("Authorization", "Bearer secret-token"), null);
            client.get("nowhere", "/");
            lines = capture.awaitLines(2);
        }
        assertEquals(2, lines.size());
        String line = lines.get(0);
        assertTrue(line.startsWith("{") && line.endsWith("}"), line);
        assertTrue(line.contains("\"method\":\"GET\""), line);
        assertTrue(line.contains("\"path\":\"/logged?q=1\""), line);
        assertTrue(line.contains("\"response_code\":200"), line);
        assertTrue(line.contains("\"source_principal\":\"" + CLIENT.uri() + "\""), line);
        assertTrue(line.contains("\"trace_id\":"), line);
        assertTrue(!line.contains("secret-token"), line);
        assertTrue(lines.get(1).contains("\"response_flags\":\"NR\""), lines.get(1));
    }
}
