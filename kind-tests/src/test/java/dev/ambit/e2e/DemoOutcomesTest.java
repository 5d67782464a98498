package dev.ambit.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shared outcome checks themselves, against a probe that answers what a scenario would show. */
class DemoOutcomesTest {

    private static final String METRICS = """
            ambit_bpf_enrolled_pods 2.0
            ambit_tcp_connections_opened_total{direction="inbound",source_workload="client",source_namespace="demo",\
            source_principal="spiffe://cluster.local/ns/demo/sa/client",destination_workload="hello",\
            destination_namespace="demo",destination_principal="spiffe://cluster.local/ns/demo/sa/hello"} 60.0
            """;

    @Test
    void parsesTheRequestClientsSummaryLine() {
        RequestSummary summary = RequestSummary.parse("event=started\nversions=v1:101,v2:99 statuses=200:198,503:2"
                + " failures=1 p50_ms=3 p99_ms=9 max_ms=12 last_failure=\"SocketTimeoutException: Read timed out\"");
        assertEquals(Map.of("v1", 101, "v2", 99), summary.versions());
        assertEquals(Map.of(200, 198, 503, 2), summary.statuses());
        assertEquals(1, summary.failures());
        assertEquals("SocketTimeoutException: Read timed out", summary.lastFailure());
        assertEquals(200, summary.responses());
        RequestSummary none = RequestSummary.parse("versions= statuses= failures=2 p50_ms=0 p99_ms=0 max_ms=0");
        assertEquals(Map.of(), none.versions());
        assertEquals(3, summary.plus(none).failures());
    }

    @Test
    void scenariosPassOnWhatTheDemoShows() {
        FakeProbe probe = new FakeProbe(
                "versions=v1:60 statuses=200:60 failures=0 p50_ms=1 p99_ms=2 max_ms=3",
                "versions=v2:60 statuses=200:60 failures=0 p50_ms=1 p99_ms=2 max_ms=3",
                "versions=v1:60 statuses=200:60 failures=0 p50_ms=1 p99_ms=2 max_ms=3",
                "versions= statuses=503:60 failures=0 p50_ms=1 p99_ms=2 max_ms=3",
                "versions= statuses= failures=2 p50_ms=0 p99_ms=0 max_ms=0",
                "versions=v1:10 statuses=200:10 failures=0 p50_ms=1 p99_ms=2 max_ms=3");
        DemoOutcomes.mutualTlsIdentities(probe);
        DemoOutcomes.headerRouting(probe);
        DemoOutcomes.faultInjection(probe);
        DemoOutcomes.policy(probe);
        DemoOutcomes.perNodeMetrics(probe);
        assertTrue(probe.answers.isEmpty());
    }

    @Test
    void aScenarioFailsSayingWhatItSaw() {
        FakeProbe probe = new FakeProbe("versions=v1:30,v2:30 statuses=200:60 failures=0 p50_ms=1 p99_ms=2 max_ms=3");
        AssertionError error = assertThrows(AssertionError.class, () -> DemoOutcomes.headerRouting(probe));
        assertTrue(error.getMessage().startsWith("expected all answers from v2; saw RequestSummary[versions={v1=30,"
                + " v2=30}"), error.getMessage());
    }

    @Test
    void requestsFailingDuringADisruptionAreCaught() {
        FakeProbe probe = new FakeProbe("versions=v1:20 statuses=200:20 failures=0 p50_ms=1 p99_ms=2 max_ms=3",
                "versions=v1:19 statuses=200:19 failures=1 p50_ms=1 p99_ms=2 max_ms=3");
        Deque<Boolean> done = new ArrayDeque<>(List.of(false, true));
        assertThrows(AssertionError.class,
                () -> DemoOutcomes.noFailedRequestsDuring(probe, () -> { }, done::pop));
    }

    /** Answers each request batch with the next summary line, and every node with the same metrics. */
    private static final class FakeProbe implements MeshProbe {

        private final Deque<String> answers;

        FakeProbe(String... answers) {
            this.answers = new ArrayDeque<>(List.of(answers));
        }

        @Override
        public RequestSummary requests(String pod, String url, int count, String... headers) {
            return RequestSummary.parse(answers.pop());
        }

        @Override
        public String nodeMetrics(String node) {
            return METRICS;
        }

        @Override
        public List<String> nodes() {
            return List.of("worker", "worker2");
        }
    }
}
