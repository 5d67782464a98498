package dev.ambit.control.graph;

import dev.ambit.api.mesh.PrometheusText;
import static dev.ambit.control.graph.DemoModel.CLIENT;
import static dev.ambit.control.graph.DemoModel.HELLO;
import static dev.ambit.control.graph.DemoModel.HELLO_SVC;
import static dev.ambit.control.graph.DemoModel.WAYPOINT;

import java.net.URI;
import java.util.List;

/** Prometheus text as the demo's tunnels and waypoint serve it, after some traffic. */
final class CannedScrapes {

    static final ScrapeTarget NODE1 = new ScrapeTarget(ScrapeTarget.Kind.NODE, "node1",
            URI.create("http://10.10.0.1:15020/metrics"));
    static final ScrapeTarget NODE2 = new ScrapeTarget(ScrapeTarget.Kind.NODE, "node2",
            URI.create("http://10.10.0.2:15020/metrics"));
    static final ScrapeTarget WAYPOINT_POD = new ScrapeTarget(ScrapeTarget.Kind.WAYPOINT, "demo/waypoint",
            URI.create("http://10.244.1.30:15020/metrics"));
    /** The demo's ingress gateway pod: a gateway's pod like a waypoint's, with request metrics on the same port. */
    static final ScrapeTarget INGRESS_POD = new ScrapeTarget(ScrapeTarget.Kind.WAYPOINT, "edge/public",
            URI.create("http://10.244.2.40:15020/metrics"));

    static final String OUTSIDER = "spiffe://cluster.local/ns/legacy/sa/outsider";

    private CannedScrapes() {
    }

    static String tcp(String series, String direction, String srcWl, String srcNs, String srcP, String dstWl,
            String dstNs, String dstP, long value) {
        return series + "{destination_namespace=\"" + dstNs + "\",destination_principal=\"" + dstP
                + "\",destination_workload=\"" + dstWl + "\",direction=\"" + direction + "\",source_namespace=\""
                + srcNs + "\",source_principal=\"" + srcP + "\",source_workload=\"" + srcWl + "\"} " + value + "\n";
    }

    /** Node 1: the client's outbound connections (to hello directly and to the waypoint), hello-v1's inbound ones. */
    static String node1(long clientToHello, long clientToWaypoint) {
        return "# HELP ambit_tcp_connections_opened_total Tunnelled TCP connections opened\n"
                + "# TYPE ambit_tcp_connections_opened_total counter\n"
                + tcp("ambit_tcp_connections_opened_total", "outbound", "client", "demo", CLIENT, "hello", "demo",
                        HELLO, clientToHello)
                // To hello-svc through its waypoint: no workload receives them, the waypoint's identity is verified.
                + tcp("ambit_tcp_connections_opened_total", "outbound", "client", "demo", CLIENT, "unknown", "demo",
                        WAYPOINT, clientToWaypoint)
                + tcp("ambit_tcp_sent_bytes_total", "outbound", "client", "demo", CLIENT, "unknown", "demo",
                        WAYPOINT, clientToWaypoint * 100)
                // Passed through to an address outside the mesh.
                + tcp("ambit_tcp_connections_opened_total", "outbound", "client", "demo", CLIENT, "unknown",
                        "unknown", "unknown", 7)
                + tcp("ambit_tcp_connections_opened_total", "inbound", "unknown", "demo", CLIENT, "hello", "demo",
                        HELLO, clientToHello / 3)
                + tcp("ambit_tcp_sent_bytes_total", "inbound", "unknown", "demo", CLIENT, "hello", "demo",
                        HELLO, clientToHello / 3 * 50)
                + tcp("ambit_tcp_received_bytes_total", "inbound", "unknown", "demo", CLIENT, "hello", "demo",
                        HELLO, clientToHello / 3 * 150)
                + "ambit_tcp_connection_failures_total{reason=\"policy_denied\"} 2\n"
                + "ambit_tcp_connection_failures_total{reason=\"not_tls\"} 0\n"
                + "ambit_bpf_drops_total 0\n"
                + "ambit_cert_expiry_seconds{identity=\"" + CLIENT + "\"} 86000.0\n"
                + "ambit_cert_expiry_seconds{identity=\"" + HELLO + "\"} 85000.0\n";
    }

    /**
     * Node 2: hello-v2/v3's inbound connections: over HBONE from the client and the waypoint (the tunnel names the
     * source by its proved principal only), in plaintext from the outsider pod (named by its address, with the
     * identity the model gives it) and from an address no workload has.
     */
    static String node2(long clientToHello, long waypointToHello, long outsiderToHello) {
        return tcp("ambit_tcp_connections_opened_total", "inbound", "unknown", "demo", CLIENT, "hello", "demo",
                        HELLO, clientToHello - clientToHello / 3)
                + tcp("ambit_tcp_connections_opened_total", "inbound", "unknown", "demo", WAYPOINT, "hello", "demo",
                        HELLO, waypointToHello)
                + tcp("ambit_tcp_connections_opened_total", "inbound", "outsider", "legacy", OUTSIDER, "hello",
                        "demo", HELLO, outsiderToHello)
                + tcp("ambit_tcp_connections_opened_total", "inbound", "unknown", "unknown", "unknown", "hello",
                        "demo", HELLO, outsiderToHello * 2)
                + "ambit_bpf_drops_total 3\n"
                + "ambit_cert_expiry_seconds{identity=\"" + HELLO + "\"} 84000.0\n";
    }

    /**
     * Node 2's tunnel refused {@code value} connections to hello on hello's policy ({@code policy_denied} over HBONE
     * names the proved principal, {@code plaintext_rejected} the source's address's workload or nothing).
     */
    static String refused(String srcWl, String srcNs, String srcP, String reason, long value) {
        return "ambit_tcp_connections_refused_total{destination_namespace=\"demo\",destination_principal=\"" + HELLO
                + "\",destination_workload=\"hello\",direction=\"inbound\",reason=\"" + reason
                + "\",source_namespace=\"" + srcNs + "\",source_principal=\"" + srcP + "\",source_workload=\""
                + srcWl + "\"} " + value + "\n";
    }

    static String request(String series, String code, String dstWl, String dstNs, String extra, double value) {
        return series + "{destination_service=\"" + HELLO_SVC + "\",destination_workload=\"" + dstWl
                + "\",destination_workload_namespace=\"" + dstNs + "\"," + extra + "method=\"GET\",response_code=\""
                + code + "\",source_principal=\"" + CLIENT
                + "\",source_workload=\"client\",source_workload_namespace=\"demo\"} " + value + "\n";
    }

    /**
     * The waypoint: {@code ok} 200s served by hello in 4 ms or less, {@code slow} more 200s within 400 ms, and
     * {@code denied} 403s of the DENY policy, answered before any endpoint was picked.
     */
    static String waypoint(long ok, long slow, long denied) {
        StringBuilder text = new StringBuilder("# TYPE ambit_requests_total counter\n");
        text.append(request("ambit_requests_total", "200", "hello", "demo", "", ok + slow));
        text.append(request("ambit_requests_total", "403", "unknown", "unknown", "", denied));
        for (String le : List.of("0.001", "0.005", "0.5", "+Inf")) {
            long fast = le.equals("0.001") ? 0 : ok;
            long withSlow = le.equals("0.5") || le.equals("+Inf") ? slow : 0;
            text.append(request("ambit_request_duration_seconds_bucket", "200", "hello", "demo",
                    "le=\"" + le + "\",", fast + withSlow));
            text.append(request("ambit_request_duration_seconds_bucket", "403", "unknown", "unknown",
                    "le=\"" + le + "\",", denied));
        }
        return text.toString();
    }

    static List<TargetScrape> round(String node1, String node2, String waypoint) {
        return List.of(TargetScrape.ok(NODE1, PrometheusText.parse(node1)),
                TargetScrape.ok(NODE2, PrometheusText.parse(node2)),
                TargetScrape.ok(WAYPOINT_POD, PrometheusText.parse(waypoint)));
    }
}
