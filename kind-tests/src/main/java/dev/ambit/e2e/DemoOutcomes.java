package dev.ambit.e2e;

import dev.ambit.testbed.RequestSummary;
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
    /** The header the waypoint routes on, in the kind tests and the local demo alike. */
    public static final String VERSION_HEADER = "version-app";
    private static final int REQUESTS = 60;
    /** Few: each dropped connection attempt takes the client's 10 s connect timeout. */
    private static final int OUTSIDER_ATTEMPTS = 2;

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

    /** The waypoint routes by header: {@code version-app: v2} reaches v2 only; no header reaches v1 only. */
    public static void headerRouting(MeshProbe probe) {
        RequestSummary toV2 = probe.requests(CLIENT, HELLO, REQUESTS, VERSION_HEADER + ":v2");
        check(toV2.versions().equals(Map.of("v2", REQUESTS)), "all answers from v2", toV2);
        RequestSummary byDefault = probe.requests(CLIENT, HELLO, REQUESTS);
        check(byDefault.versions().equals(Map.of("v1", REQUESTS)), "all answers from v1", byDefault);
    }

    /** The TrafficPolicy of hello-v3 aborts every request with 503 at the waypoint; v3 itself is never reached. */
    public static void faultInjection(MeshProbe probe) {
        RequestSummary toV3 = probe.requests(CLIENT, HELLO, REQUESTS, VERSION_HEADER + ":v3");
        check(toV3.statuses().equals(Map.of(503, REQUESTS)) && toV3.versions().isEmpty(),
                "503 for every request, no answer from v3", toV3);
    }

    /**
     * STRICT mTLS keeps the outsider (plaintext, not in the mesh) out: the kernel drops its SYNs, so every attempt
     * times out at connect (not refused, reset or answered) and the nodes count the drops. The client stays in.
     */
    public static void policy(MeshProbe probe) {
        long dropsBefore = strictDrops(probe);
        RequestSummary outsider = probe.requests(OUTSIDER, HELLO, OUTSIDER_ATTEMPTS);
        long drops = strictDrops(probe) - dropsBefore;
        check(outsider.total() == OUTSIDER_ATTEMPTS
                && outsider.failed(RequestSummary.CONNECT_TIMEOUT) == OUTSIDER_ATTEMPTS,
                "every outsider attempt unanswered at connect (" + RequestSummary.CONNECT_TIMEOUT + ")", outsider);
        check(drops >= OUTSIDER_ATTEMPTS, "the nodes counted the outsider's dropped SYNs (ambit_bpf_drops_total"
                + " grew by " + drops + ")", outsider);
        RequestSummary client = probe.requests(CLIENT, HELLO, 10);
        check(client.statuses().equals(Map.of(200, 10)), "the client still gets answers", client);
    }

    /** Plaintext connection attempts into STRICT pods dropped so far, over every node. */
    private static long strictDrops(MeshProbe probe) {
        return (long) probe.nodes().stream().map(probe::nodeMetrics).flatMap(String::lines)
                .filter(line -> line.startsWith("ambit_bpf_drops_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).strip())).sum();
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
