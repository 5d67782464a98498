package dev.ambit.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.testbed.RequestSummary;
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
    void scenariosPassOnWhatTheDemoShows() {
        FakeProbe probe = new FakeProbe(
                "versions=v1:60 statuses=200:60 failures=0 p50_ms=1 p99_ms=2 max_ms=3",
                "versions=v2:60 statuses=200:60 failures=0 p50_ms=1 p99_ms=2 max_ms=3",
                "versions=v1:60 statuses=200:60 failures=0 p50_ms=1 p99_ms=2 max_ms=3",
                "versions= statuses=503:60 failures=0 p50_ms=1 p99_ms=2 max_ms=3",
                "versions=- statuses=- failures=2 p50_ms=-1 p99_ms=-1 max_ms=-1 failure_kinds=connect_timeout:2 rbac=-",
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
    void theOutsiderCheckNeedsKernelDropsNotJustNoAnswer() {
        // Refused, or no attempt at all, or timeouts the nodes did not count as drops: none is STRICT's drop.
        for (String outsider : List.of(
                "versions=- statuses=- failures=2 p50_ms=-1 p99_ms=-1 max_ms=-1 failure_kinds=refused:2 rbac=-",
                "versions=- statuses=- failures=0 p50_ms=-1 p99_ms=-1 max_ms=-1 failure_kinds=- rbac=-",
                "versions=- statuses=403:2 failures=0 p50_ms=1 p99_ms=1 max_ms=1 failure_kinds=- rbac=-")) {
            FakeProbe probe = new FakeProbe(outsider, "versions=v1:10 statuses=200:10 failures=0 p50_ms=1 p99_ms=2"
                    + " max_ms=3");
            assertThrows(AssertionError.class, () -> DemoOutcomes.policy(probe), outsider);
        }
        FakeProbe uncounted = new FakeProbe("versions=- statuses=- failures=2 p50_ms=-1 p99_ms=-1 max_ms=-1"
                + " failure_kinds=connect_timeout:2 rbac=-");
        uncounted.dropsPerOutsiderAttempt = 0;
        AssertionError error = assertThrows(AssertionError.class, () -> DemoOutcomes.policy(uncounted));
        assertTrue(error.getMessage().contains("ambit_bpf_drops_total grew by 0"), error.getMessage());
    }

    @Test
    void requestsFailingDuringADisruptionAreCaught() {
        FakeProbe probe = new FakeProbe("versions=v1:20 statuses=200:20 failures=0 p50_ms=1 p99_ms=2 max_ms=3",
                "versions=v1:19 statuses=200:19 failures=1 p50_ms=1 p99_ms=2 max_ms=3");
        Deque<Boolean> done = new ArrayDeque<>(List.of(false, true));
        assertThrows(AssertionError.class,
                () -> DemoOutcomes.noFailedRequestsDuring(probe, () -> { }, done::pop));
    }

    /**
     * Answers each request batch with the next summary line, and every node with the same metrics; the outsider's
     * attempts count as STRICT drops on the first node.
     */
    private static final class FakeProbe implements MeshProbe {

        private final Deque<String> answers;
        private int dropsPerOutsiderAttempt = 2;
        private long drops;

        FakeProbe(String... answers) {
            this.answers = new ArrayDeque<>(List.of(answers));
        }

        @Override
        public RequestSummary requests(String pod, String url, int count, String... headers) {
            if (pod.equals(DemoOutcomes.OUTSIDER)) {
                drops += (long) dropsPerOutsiderAttempt * count;
            }
            return RequestSummary.parse(answers.pop());
        }

        @Override
        public String nodeMetrics(String node) {
            return node.equals("worker") ? METRICS + "ambit_bpf_drops_total " + drops + ".0\n" : METRICS;
        }

        @Override
        public List<String> nodes() {
            return List.of("worker", "worker2");
        }
    }
}
