package dev.ambit.waypoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.mesh.TracingSettings;
import dev.ambit.api.model.traffic.RetryOn;
import dev.ambit.api.model.traffic.RetryPolicy;
import dev.ambit.testbed.otlp.CollectedSpan;
import dev.ambit.testbed.otlp.OtlpTestCollector;
import dev.ambit.waypoint.observe.SpanRecorder;
import dev.ambit.waypoint.testing.Http1Client;
import dev.ambit.waypoint.testing.Mesh;
import dev.ambit.waypoint.testing.NoLeaks;
import dev.ambit.waypoint.testing.TestBackend;
import dev.ambit.waypoint.testing.TestBackend.Reply;
import dev.ambit.waypoint.testing.WaypointHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The waypoint's spans as an OTLP collector receives them: a SERVER span per request, a child CLIENT span per upstream
 * attempt, the trace continued from the caller and handed on naming the client span, and sampling.
 */
@ExtendWith(NoLeaks.class)
@Timeout(60)
class SpanExportTest {

    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String CALLER_SPAN = "00f067aa0ba902b7";
    static final Duration WAIT = Duration.ofSeconds(20);

    OtlpTestCollector collector;
    SpanRecorder spans;
    TestBackend backend;
    WaypointHarness waypoint;

    @BeforeEach
    void start() throws Exception {
        collector = OtlpTestCollector.startOnLoopback();
        backend = TestBackend.http1("ratings");
    }

    @AfterEach
    void stop() {
        if (waypoint != null) {
            waypoint.close();
        }
        if (spans != null) {
            spans.close();
        }
        backend.close();
        collector.close();
    }

    private Http1Client waypoint(String sampling, Mesh mesh) {
        spans = SpanRecorder.open(TracingSettings.parse("http://127.0.0.1:" + collector.port(), sampling),
                "waypoint.demo");
        waypoint = new WaypointHarness(WaypointSettings.defaults(), spans);
        waypoint.update(mesh.config());
        return new Http1Client(waypoint.port());
    }

    private static Mesh ratingsWithRoute(int port) {
        return new Mesh().service("ratings", port).route("ratings", Mesh.rule(List.of(), Mesh.backend("ratings", 1)));
    }

    private static Map<String, String> traceparent(String trace, String parent, String flags) {
        return Map.of("traceparent", "00-" + trace + "-" + parent + "-" + flags);
    }

    private static CollectedSpan only(List<CollectedSpan> spans, String kind) {
        List<CollectedSpan> ofKind = spans.stream().filter(span -> span.kind().equals(kind)).toList();
        assertEquals(1, ofKind.size(), spans.toString());
        return ofKind.get(0);
    }

    @Test
    void aServerSpanAndItsClientSpanContinueTheCallersTrace() throws Exception {
        Http1Client client = waypoint("1", ratingsWithRoute(backend.port()));
        assertEquals(200, client.send("ratings", "GET", "/ratings/7?full=1", traceparent(TRACE, CALLER_SPAN, "01"),
                null).statusCode());
        List<CollectedSpan> received = collector.await(got -> got.size() >= 2, WAIT);
        CollectedSpan server = only(received, "SERVER");
        CollectedSpan upstream = only(received, "CLIENT");

        assertEquals(TRACE, server.traceId());
        assertEquals(TRACE, upstream.traceId());
        assertEquals(CALLER_SPAN, server.parentSpanId());
        assertEquals(server.spanId(), upstream.parentSpanId());
        assertEquals("waypoint.demo", server.service());
        // The backend's parent is the client span: the next hop's spans hang under this attempt.
        String[] forwarded = backend.last().headers().get("traceparent").split("-");
        assertEquals(List.of("00", TRACE, upstream.spanId(), "01"), List.of(forwarded));
        assertEquals(upstream.spanId(), backend.last().headers().get("x-b3-spanid"));
        assertEquals(server.spanId(), backend.last().headers().get("x-b3-parentspanid"));

        assertEquals("GET", server.name());
        assertEquals("GET", server.attribute("http.request.method"));
        assertEquals(200L, server.attribute("http.response.status_code"));
        assertEquals("/ratings/7", server.attribute("url.path"));
        assertEquals("full=1", server.attribute("url.query"));
        assertEquals(Mesh.NS + "/ratings-route-0", server.attribute("ambit.route.name"));
        assertEquals(Mesh.host("ratings") + ":80", server.attribute("ambit.upstream.cluster"));
        assertEquals("127.0.0.1:" + backend.port(), server.attribute("ambit.upstream.endpoint"));
        assertEquals(0L, server.attribute("ambit.retries"));
        assertEquals("UNSET", server.status());

        assertEquals("GET", upstream.attribute("http.request.method"));
        assertEquals(200L, upstream.attribute("http.response.status_code"));
        assertEquals("127.0.0.1", upstream.attribute("server.address"));
        assertEquals((long) backend.port(), upstream.attribute("server.port"));
        assertEquals(Mesh.host("ratings") + ":80", upstream.attribute("ambit.upstream.cluster"));
        assertTrue(upstream.startUnixNanos() >= server.startUnixNanos(), received.toString());
        assertTrue(upstream.endUnixNanos() <= server.endUnixNanos(), received.toString());
    }

    @Test
    void eachRetryIsAClientSpanOfItsOwn() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        backend.respond(request -> seen.getAndIncrement() == 0 ? new Reply(503, "busy", Duration.ZERO)
                : Reply.ok("ok"));
        Http1Client client = waypoint("1", new Mesh().service("ratings", backend.port())
                .policy(Mesh.trafficPolicy("ratings").retries(new RetryPolicy(2, Optional.empty(),
                        Set.of(RetryOn.GATEWAY_ERROR), Set.of(), Set.of(), Optional.empty())).build()));
        assertEquals(200, client.send("ratings", "GET", "/", traceparent(TRACE, CALLER_SPAN, "01"), null)
                .statusCode());
        List<CollectedSpan> received = collector.await(got -> got.size() >= 3, WAIT);
        CollectedSpan server = only(received, "SERVER");
        List<CollectedSpan> attempts = received.stream().filter(span -> span.kind().equals("CLIENT")).toList();
        assertEquals(2, attempts.size(), received.toString());
        CollectedSpan first = attempts.get(0);
        CollectedSpan retry = attempts.get(1);
        assertEquals(server.spanId(), first.parentSpanId());
        assertEquals(server.spanId(), retry.parentSpanId());
        assertNotEquals(first.spanId(), retry.spanId());
        assertEquals(503L, first.attribute("http.response.status_code"));
        assertEquals("ERROR", first.status());
        assertEquals(null, first.attribute("http.request.resend_count"));
        assertEquals(200L, retry.attribute("http.response.status_code"));
        assertEquals(1L, retry.attribute("http.request.resend_count"));
        assertEquals(1L, server.attribute("ambit.retries"));
        assertEquals(200L, server.attribute("http.response.status_code"));
        // The request that reached the backend last names the retry's span.
        assertEquals(retry.spanId(), backend.last().headers().get("traceparent").split("-")[2]);
    }

    @Test
    void aFailedRequestCarriesItsResponseFlagsAndIsAnError() throws Exception {
        Http1Client client = waypoint("1", new Mesh().service("ratings", backend.port()));
        backend.respond(request -> Reply.reset());
        assertEquals(502, client.send("ratings", "GET", "/", traceparent(TRACE, CALLER_SPAN, "01"), null)
                .statusCode());
        List<CollectedSpan> received = collector.await(got -> got.size() >= 2, WAIT);
        CollectedSpan server = only(received, "SERVER");
        CollectedSpan upstream = only(received, "CLIENT");
        assertEquals("UC", server.attribute("ambit.response_flags"));
        assertEquals(502L, server.attribute("http.response.status_code"));
        assertEquals("ERROR", server.status());
        assertEquals("ERROR", upstream.status());
        assertEquals("reset", upstream.attribute("error.type"));
    }

    @Test
    void b3FromTheCallerIsContinued() throws Exception {
        Http1Client client = waypoint("1", new Mesh().service("ratings", backend.port()));
        client.send("ratings", "GET", "/", Map.of("x-b3-traceid", "a3ce929d0e0e4736", "x-b3-spanid",
                CALLER_SPAN, "x-b3-sampled", "1"), null);
        CollectedSpan server = only(collector.await(got -> got.size() >= 2, WAIT), "SERVER");
        assertEquals("0000000000000000a3ce929d0e0e4736", server.traceId());
        assertEquals(CALLER_SPAN, server.parentSpanId());
    }

    /**
     * Sampling 0: a request that starts a trace records nothing and tells the next hop so; a request whose caller
     * sampled its trace is still recorded. Its spans, exported after the first request's would have been (the queue
     * is first in, first out), prove that the first request left none.
     */
    @Test
    void samplingZeroRecordsNoNewTraceButKeepsTheCallersDecision() throws Exception {
        Http1Client client = waypoint("0", new Mesh().service("ratings", backend.port()));
        assertEquals(200, client.get("ratings", "/").statusCode());
        String unsampled = backend.last().headers().get("traceparent");
        assertTrue(unsampled.endsWith("-00"), unsampled);
        assertEquals("0", backend.last().headers().get("x-b3-sampled"));

        assertEquals(200, client.send("ratings", "GET", "/", traceparent(TRACE, CALLER_SPAN, "01"), null)
                .statusCode());
        List<CollectedSpan> received = collector.await(got -> got.size() >= 2, WAIT);
        assertEquals(2, received.size(), received.toString());
        assertTrue(received.stream().allMatch(span -> span.traceId().equals(TRACE)), received.toString());
    }
}
