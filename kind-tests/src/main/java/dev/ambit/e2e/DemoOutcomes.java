package dev.ambit.e2e;

import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * What the demo shows, as checks any {@link MeshProbe} can run: the local end-to-end tests and the kind tests
 * assert the same outcomes. Failures are {@link AssertionError}s that say what was seen.
 */
public final class DemoOutcomes {

    public static final String CLIENT = "demo/client";
    public static final String OUTSIDER = "legacy/outsider";
    public static final String HELLO = "http://hello-svc.demo:8080/hello";
    public static final String CLIENT_IDENTITY = "spiffe://cluster.local/ns/demo/sa/client";
    public static final String HELLO_IDENTITY = "spiffe://cluster.local/ns/demo/sa/hello";
    private static final int REQUESTS = 60;

    private DemoOutcomes() {
    }

    /** The client reaches hello over mTLS: every request answered, and a tunnel saw client's identity talk to hello's. */
    public static void mutualTlsIdentities(MeshProbe probe) {
        RequestSummary summary = probe.requests(CLIENT, HELLO, REQUESTS);
        check(summary.failures() == 0 && summary.statuses().equals(Map.of(200, REQUESTS)),
                "every request answered 200", summary);
        boolean seen = probe.nodes().stream().map(probe::nodeMetrics).anyMatch(metrics -> metrics.lines()
                .anyMatch(line -> line.startsWith("ambit_tcp_connections_opened_total{")
                        && line.contains("direction=\"inbound\"")
                        && line.contains("source_principal=\"" + CLIENT_IDENTITY + "\"")
                        && line.contains("destination_principal=\"" + HELLO_IDENTITY + "\"")));
        check(seen, "an inbound tunnel connection from " + CLIENT_IDENTITY + " to " + HELLO_IDENTITY, summary);
    }

    /** The waypoint routes by header: {@code x-version: v2} reaches v2 only; no header reaches v1 only. */
    public static void headerRouting(MeshProbe probe) {
        RequestSummary toV2 = probe.requests(CLIENT, HELLO, REQUESTS, "x-version:v2");
        check(toV2.versions().equals(Map.of("v2", REQUESTS)), "all answers from v2", toV2);
        RequestSummary byDefault = probe.requests(CLIENT, HELLO, REQUESTS);
        check(byDefault.versions().equals(Map.of("v1", REQUESTS)), "all answers from v1", byDefault);
    }

    /** The TrafficPolicy of hello-v3 aborts every request with 503 at the waypoint; v3 itself is never reached. */
    public static void faultInjection(MeshProbe probe) {
        RequestSummary toV3 = probe.requests(CLIENT, HELLO, REQUESTS, "x-version:v3");
        check(toV3.statuses().equals(Map.of(503, REQUESTS)) && toV3.versions().isEmpty(),
                "503 for every request, no answer from v3", toV3);
    }

    /** STRICT mTLS and the ALLOW policy keep the outsider (plaintext, not in the mesh) out; the client stays in. */
    public static void policy(MeshProbe probe) {
        // Few requests: a dropped connection attempt takes the client's 10 s connect timeout.
        RequestSummary outsider = probe.requests(OUTSIDER, HELLO, 2);
        check(outsider.responses() == 0 || outsider.statuses().keySet().stream().allMatch(status -> status == 403),
                "no answer for the outsider but a refusal", outsider);
        RequestSummary client = probe.requests(CLIENT, HELLO, 10);
        check(client.statuses().equals(Map.of(200, 10)), "the client still gets answers", client);
    }

    /** Every node reports its enrolled pods and tunnel traffic on :15020. */
    public static void perNodeMetrics(MeshProbe probe) {
        for (String node : probe.nodes()) {
            String metrics = probe.nodeMetrics(node);
            boolean enrolled = metrics.lines().anyMatch(line -> line.startsWith("ambit_bpf_enrolled_pods ")
                    && Double.parseDouble(line.substring(line.indexOf(' ') + 1).strip()) >= 1);
            check(enrolled, "node " + node + " has enrolled pods (ambit_bpf_enrolled_pods >= 1)", metrics);
            check(metrics.contains("ambit_tcp_connections_opened_total{"), "node " + node + " counts tunnel"
                    + " connections", metrics);
        }
    }

    /**
     * Requests keep being answered while {@code disruption} runs (e.g. the node agents' rolling restart): batches
     * are sent until it reports done, and none may fail.
     */
    public static RequestSummary noFailedRequestsDuring(MeshProbe probe, Runnable disruption, BooleanSupplier done) {
        disruption.run();
        RequestSummary total = RequestSummary.none();
        do {
            total = total.plus(probe.requests(CLIENT, HELLO, 20));
        } while (!done.getAsBoolean());
        check(total.failures() == 0 && total.statuses().keySet().stream().allMatch(status -> status == 200),
                "no failed request during the disruption", total);
        return total;
    }

    private static void check(boolean condition, String expected, Object seen) {
        if (!condition) {
            throw new AssertionError("expected " + expected + "; saw " + seen);
        }
    }
}
