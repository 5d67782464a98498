package dev.ambit.local.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the demo expects of the controller's graph after its steps (docs/graph.md has the answer's shape). */
final class GraphCheck {

    static final String CLIENT_TO_HELLO = "demo/client->demo/hello";
    static final String HELLO = "demo/hello";
    static final String WAYPOINT = "demo/waypoint";
    private static final ObjectMapper JSON = new ObjectMapper();

    private GraphCheck() {
    }

    static Map<String, Object> parse(String json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the graph API answered no JSON: " + e.getOriginalMessage(), e);
        }
    }

    static Optional<Map<?, ?>> edge(Map<String, Object> graph, String id) {
        Object edges = graph.get("edges");
        if (!(edges instanceof List<?> list)) {
            return Optional.empty();
        }
        return list.stream().<Map<?, ?>>map(e -> (Map<?, ?>) e).filter(e -> id.equals(e.get("id"))).findFirst();
    }

    /**
     * client → hello: mTLS, proved as the client's identity to hello's, through hello-svc's waypoint, with at least
     * the DENY step's {@code denied} 403s.
     */
    static boolean showsTheDemo(Map<String, Object> graph, int denied) {
        Optional<Map<?, ?>> found = edge(graph, CLIENT_TO_HELLO);
        if (found.isEmpty()) {
            return false;
        }
        Map<?, ?> edge = found.get();
        Map<?, ?> http = (Map<?, ?>) edge.get("http");
        return "mTLS".equals(edge.get("security"))
                && ((List<?>) edge.get("sourcePrincipals")).contains(DemoRunner.CLIENT_PRINCIPAL)
                && ((List<?>) edge.get("destinationPrincipals")).contains(DemoRunner.HELLO_PRINCIPAL)
                && WAYPOINT.equals(edge.get("waypoint"))
                && http != null && ((Number) http.get("forbidden")).longValue() >= denied;
    }

    /**
     * The STRICT step's {@code dropped} attempts, which the destination's kernel dropped before any tunnel saw them
     * ({@code plaintext_dropped}), on plaintext edges into hello. The outsider's node is not hello's, and a node's
     * config names only its own workloads and services' endpoints, so hello's node names that source {@code outside}
     * (as for a {@code plaintext_rejected} refusal).
     */
    static boolean showsTheStrictDrops(Map<String, Object> graph, int dropped) {
        return strictDropsIntoHello(graph) >= dropped;
    }

    static long strictDropsIntoHello(Map<String, Object> graph) {
        if (!(graph.get("edges") instanceof List<?> edges)) {
            return 0;
        }
        return edges.stream().<Map<?, ?>>map(e -> (Map<?, ?>) e)
                .filter(edge -> HELLO.equals(edge.get("target")) && "plaintext".equals(edge.get("security")))
                .map(edge -> edge.get("tcp") instanceof Map<?, ?> tcp ? tcp.get("refusedByReason") : null)
                .map(byReason -> byReason instanceof Map<?, ?> reasons ? reasons.get("plaintext_dropped") : null)
                .map(drops -> drops instanceof Map<?, ?> counts ? counts.get("connections") : null)
                .mapToLong(count -> count instanceof Number n ? n.longValue() : 0)
                .sum();
    }
}
