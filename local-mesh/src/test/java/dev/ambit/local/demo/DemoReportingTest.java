package dev.ambit.local.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.local.launch.MetricSample;
import dev.ambit.testbed.RequestSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The demo's readers (Prometheus text), its JSON writer and its policy step's verdicts. */
class DemoReportingTest {

    @Test
    void denyPassesOnlyWhenEveryRequestIsTheWaypointsRbacDenialNamingThePolicy() {
        assertTrue(DemoRunner.deniedByThePolicy(RequestSummary.parse("versions=- statuses=403:20 failures=0 p50_ms=1"
                + " p99_ms=2 max_ms=3 failure_kinds=- rbac=demo/deny-client:20")));
        // What used to pass as "denied": no 200, but timeouts or resets.
        assertFalse(DemoRunner.deniedByThePolicy(RequestSummary.parse("versions=- statuses=- failures=20 p50_ms=-1"
                + " p99_ms=-1 max_ms=-1 failure_kinds=read_timeout:20 rbac=- last_failure=\"SocketTimeoutException\"")));
        // A 403 that is not the waypoint's RBAC denial, or another policy's, or too few answers.
        assertFalse(DemoRunner.deniedByThePolicy(RequestSummary.parse("versions=- statuses=403:20 failures=0 p50_ms=1"
                + " p99_ms=2 max_ms=3 failure_kinds=- rbac=-")));
        assertFalse(DemoRunner.deniedByThePolicy(RequestSummary.parse("versions=- statuses=403:20 failures=0 p50_ms=1"
                + " p99_ms=2 max_ms=3 failure_kinds=- rbac=no_allow_match:20")));
        assertFalse(DemoRunner.deniedByThePolicy(RequestSummary.parse("versions=- statuses=403:19 failures=1 p50_ms=1"
                + " p99_ms=2 max_ms=3 failure_kinds=reset:1 rbac=demo/deny-client:19")));
    }

    @Test
    void strictPassesOnlyOnConnectTimeoutsTheKernelCounted() {
        String timedOut = "versions=- statuses=- failures=3 p50_ms=-1 p99_ms=-1 max_ms=-1"
                + " failure_kinds=connect_timeout:3 rbac=- last_failure=\"SocketTimeoutException: Connect timed out\"";
        assertTrue(DemoRunner.droppedByTheKernel(RequestSummary.parse(timedOut), 6));
        assertFalse(DemoRunner.droppedByTheKernel(RequestSummary.parse(timedOut), 0), "no drop counted");
        assertFalse(DemoRunner.droppedByTheKernel(RequestSummary.parse("versions=- statuses=- failures=3 p50_ms=-1"
                + " p99_ms=-1 max_ms=-1 failure_kinds=refused:3 rbac=-"), 6), "refused is not dropped");
        assertFalse(DemoRunner.droppedByTheKernel(RequestSummary.parse("versions=- statuses=- failures=0 p50_ms=-1"
                + " p99_ms=-1 max_ms=-1 failure_kinds=- rbac=-"), 6), "no attempt at all");
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

    @Test
    void ingressSpreadNeedsEveryVersionAndEveryAnswer() {
        assertTrue(DemoRunner.spreadOverEveryVersion(RequestSummary.parse("versions=v1:52,v2:48,v3:50"
                + " statuses=200:150 failures=0 p50_ms=1 p99_ms=2 max_ms=3 failure_kinds=- rbac=-")));
        assertFalse(DemoRunner.spreadOverEveryVersion(RequestSummary.parse("versions=v1:75,v2:75"
                + " statuses=200:150 failures=0 p50_ms=1 p99_ms=2 max_ms=3 failure_kinds=- rbac=-")), "v3 missing");
        assertFalse(DemoRunner.spreadOverEveryVersion(RequestSummary.parse("versions=v1:140,v2:5,v3:5"
                + " statuses=200:150 failures=0 p50_ms=1 p99_ms=2 max_ms=3 failure_kinds=- rbac=-")), "lopsided");
        assertFalse(DemoRunner.spreadOverEveryVersion(RequestSummary.parse("versions=v1:50,v2:50,v3:49"
                + " statuses=200:149 failures=1 p50_ms=1 p99_ms=2 max_ms=3 failure_kinds=reset:1 rbac=-")), "a failure");
    }

    @Test
    void readsTheServedCertificatesOfAnHttpsSummary() {
        assertEquals(Map.of("9f2c01ab33de4410", 10), DemoRunner.servedCertificates("versions=v1:10 statuses=200:10"
                + " failures=0 p50_ms=1 p99_ms=2 max_ms=3 failure_kinds=- rbac=- certificates=9f2c01ab33de4410:10"));
        assertEquals(Map.of("aa", 4, "bb", 6), DemoRunner.servedCertificates("statuses=200:10 failures=0"
                + " certificates=aa:4,bb:6 last_failure=\"x\""));
        assertEquals(Map.of(), DemoRunner.servedCertificates("statuses=- failures=3 certificates=-"));
        assertEquals(Map.of(), DemoRunner.servedCertificates("statuses=200:1 failures=0"), "plain HTTP");
    }

    @Test
    void anIngressStepThatTimedOutIsReportedAsFailedWithItsError() {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("ingress", Map.of("pass", false, "address", "10.10.1.10", "error", "timed out waiting for x"));
        assertFalse(DemoSummary.passed(report));
        assertTrue(DemoSummary.text(report).contains("ingress      FAIL  from outside to 10.10.1.10: timed out waiting for x"),
                DemoSummary.text(report));
    }
}
