package dev.ambit.control.graph;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The service graph as {@code GET /graph/api/graph} answers it (docs/graph.md): workload groups, waypoints and sources
 * outside the mesh as nodes, observed traffic as edges. Counts are totals since the reporting processes started;
 * rates are per second over the last scrape interval, absent after the first scrape.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MeshGraph(
        String generatedAt,
        double intervalSeconds,
        List<ScrapeStatus> scrapes,
        List<Node> nodes,
        List<Edge> edges,
        List<MeshNode> meshNodes) {

    /** Node kinds. */
    public static final String WORKLOAD = "workload";
    public static final String WAYPOINT = "waypoint";
    public static final String OUTSIDE = "outside";
    public static final String IDENTITY = "identity";
    /** The node for every source and destination outside the mesh. */
    public static final String OUTSIDE_ID = "outside";

    /** How one metrics endpoint answered this round. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ScrapeStatus(String kind, String name, String url, boolean ok, String error) {
    }

    /**
     * A workload group ({@code namespace/canonical name}), a waypoint, the outside of the mesh, or an identity seen
     * on the wire that no one workload group holds. {@code inMesh}: its traffic is tunnelled (an ambient workload, a
     * waypoint, a proved identity).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Node(String id, String kind, String namespace, String name, boolean inMesh, List<String> services,
            List<Workload> workloads) {
    }

    /** One pod of a group, for the side panel. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Workload(String name, String identity, String node, List<String> addresses, String dataplaneMode,
            Double certificateExpiresInSeconds, String waypoint, List<String> policies) {
    }

    /**
     * Traffic from one node to another. {@code security} is {@code mTLS} when every connection seen was mutual TLS
     * with a verified identity, {@code plaintext} when none was, {@code mixed} otherwise.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Edge(String id, String source, String target, String security, List<String> sourcePrincipals,
            List<String> destinationPrincipals, String waypoint, Tcp tcp, Http http) {
    }

    /**
     * L4: what the tunnels counted for the edge. {@code connectionsRefused} (absent when none): connections the
     * destination's tunnel refused on its workload's policy ({@code ambit_tcp_connections_refused_total}), by reason
     * in {@code refusedByReason}; refused connections are not among the opened ones.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Tcp(long connectionsOpened, long connectionsClosed, long mtlsConnections, long plaintextConnections,
            long sentBytes, long receivedBytes, Double connectionsPerSecond, Double bytesPerSecond,
            Long connectionsRefused, Double refusedPerSecond, Map<String, Refusals> refusedByReason) {
    }

    /** Refused connections of one reason ({@code plaintext_rejected}, {@code policy_denied}): total and rate. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Refusals(long connections, Double perSecond) {
    }

    /**
     * L7: what a waypoint counted for the edge. Errors are responses of 400 and up (as Kiali counts them);
     * {@code forbidden} are the 403s, authorization policies' refusals among them.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Http(long requests, long errors, long forbidden, Map<String, Long> responseCodes,
            Double requestsPerSecond, Double errorShare, Double forbiddenPerSecond, Double p99Seconds) {
    }

    /**
     * A Kubernetes node's tunnel: connections it refused by reason ({@code ambit_tcp_connection_failures_total}) and
     * plaintext SYNs its eBPF dropped under STRICT ({@code ambit_bpf_drops_total}), which name no edge.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record MeshNode(String name, Map<String, Long> refusedConnections, long droppedPlaintextSyns) {
    }
}
