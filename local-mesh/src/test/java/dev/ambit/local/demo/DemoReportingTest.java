package dev.ambit.local.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo's readers (client summaries, Prometheus text) and its JSON writer. */
class DemoReportingTest {

    @Test
    void readsARequestSummary() {
        RequestSummary summary = RequestSummary.parse("versions=v1:101,v2:99 statuses=200:198,503:2 failures=1"
                + " p50_ms=3 p99_ms=9 max_ms=12 last_failure=\"SocketException: Connection reset\"");
        assertEquals(Map.of("v1", 101, "v2", 99), summary.versions());
        assertEquals(198, summary.status(200));
        assertEquals(2, summary.status(503));
        assertEquals(201, summary.total());
        assertEquals(3, summary.p50Millis());
        assertEquals(Map.of(), RequestSummary.parse("versions=- statuses=- failures=5 p50_ms=-1 p99_ms=-1 max_ms=-1")
                .versions());
        assertThrows(IllegalStateException.class, () -> RequestSummary.parse("Exception in thread main"));
    }

    @Test
    void readsPrometheusSamplesWithEscapedLabels() {
        List<MetricSample> samples = MetricSample.parse("""
                # HELP ambit_tcp_connections_opened_total Tunnelled TCP connections opened
                # TYPE ambit_tcp_connections_opened_total counter
                ambit_tcp_connections_opened_total{direction="inbound",source_principal="spiffe://td/ns/a/sa/b",note="a \\"q\\""} 12.0
                ambit_bpf_enrolled_pods 3.0
                """);
        assertEquals(2, samples.size());
        assertEquals("spiffe://td/ns/a/sa/b", samples.get(0).labels().get("source_principal"));
        assertEquals(12.0, samples.get(0).value());
        assertEquals(Map.of(), samples.get(1).labels());
    }

    @Test
    void writesJson() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("split", Map.of("pass", true));
        report.put("note", "say \"hi\"\n");
        report.put("counts", List.of(1, 2.5));
        report.put("empty", List.of());
        assertEquals("{\n  \"split\": {\n    \"pass\": true\n  },\n  \"note\": \"say \\\"hi\\\"\\n\",\n"
                + "  \"counts\": [\n    1,\n    2.5\n  ],\n  \"empty\": []\n}\n", Json.write(report));
    }
}
