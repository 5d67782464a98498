package dev.ambit.local.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The tracing step's reading of the collector's JSON: spans in the order they ended, chained from the caller. */
class TraceChainTest {

    // As the collector writes them: the client span ends (and is exported) before its server span.
    static final String JSON = """
            OpenJDK 64-Bit Server VM warning: a line before the body
            [
            {"traceId":"t1","spanId":"c1","parentSpanId":"s1","name":"GET","kind":"CLIENT","service":"waypoint.demo","status":"UNSET","startUnixNanos":2,"endUnixNanos":3,"attributes":{"http.response.status_code":200}},
            {"traceId":"t1","spanId":"s1","parentSpanId":"p0","name":"GET","kind":"SERVER","service":"waypoint.demo","status":"UNSET","startUnixNanos":1,"endUnixNanos":4,"attributes":{"ambit.route.name":"demo/hello","http.response.status_code":200}}
            ]
            """;

    @Test
    void spansAreChainedFromTheCallersSpanDown() {
        List<Map<String, Object>> spans = TraceChain.parse(JSON);
        List<Map<String, Object>> chain = TraceChain.inHopOrder(spans, "p0");
        assertEquals(List.of("s1", "c1"), chain.stream().map(span -> span.get("spanId")).toList());
        assertTrue(TraceChain.isServerThenClient(chain, spans.size()));
        assertEquals(200, ((Map<?, ?>) chain.get(1).get("attributes")).get("http.response.status_code"));
    }

    @Test
    void aSpanOutsideTheChainFailsTheCheck() {
        List<Map<String, Object>> spans = TraceChain.parse(JSON);
        assertTrue(TraceChain.inHopOrder(spans, "another-caller").isEmpty());
        List<Map<String, Object>> chain = TraceChain.inHopOrder(spans, "p0");
        assertFalse(TraceChain.isServerThenClient(chain, spans.size() + 1), "a stray span of the trace");
        assertFalse(TraceChain.isServerThenClient(List.of(chain.get(1), chain.get(0)), 2), "client before server");
    }

    @Test
    void hopsNameEachSpanByKindAndService() {
        List<Map<String, Object>> chain = TraceChain.inHopOrder(TraceChain.parse(JSON), "p0");
        assertEquals(List.of("SERVER waypoint.demo", "CLIENT waypoint.demo"), TraceChain.hops(chain));
        assertFalse(TraceChain.hops(chain).equals(DemoRunner.INGRESS_TRACE_HOPS), "no ingress hop: not the ingress trace");
    }
}
