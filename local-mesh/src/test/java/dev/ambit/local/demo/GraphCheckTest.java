package dev.ambit.local.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The demo's verdict on the controller's graph, from canned answers of its API. */
class GraphCheckTest {

    private static String answer(String security, String source, String waypoint, int forbidden) {
        return """
                {"generatedAt": "2026-12-06T18:00:00Z", "nodes": [],
                 "edges": [{"id": "demo/client->demo/hello", "source": "demo/client", "target": "demo/hello",
                   "security": "%s", "sourcePrincipals": ["%s"],
                   "destinationPrincipals": ["spiffe://cluster.local/ns/demo/sa/hello"], "waypoint": "%s",
                   "http": {"requests": 400, "forbidden": %d}}]}
                """.formatted(security, source, waypoint, forbidden);
    }

    @Test
    void passesOnlyOnAnMtlsEdgeBetweenTheDemosIdentitiesThroughTheWaypointWithTheDenials() {
        String client = DemoRunner.CLIENT_PRINCIPAL;
        int denied = DemoRunner.DENIED_REQUESTS;
        assertTrue(GraphCheck.showsTheDemo(GraphCheck.parse(answer("mTLS", client, "demo/waypoint", 23)), denied));
        assertFalse(GraphCheck.showsTheDemo(GraphCheck.parse(answer("plaintext", client, "demo/waypoint", 23)),
                denied));
        assertFalse(GraphCheck.showsTheDemo(GraphCheck.parse(answer("mTLS", "spiffe://cluster.local/ns/demo/sa/x",
                "demo/waypoint", 23)), denied));
        assertFalse(GraphCheck.showsTheDemo(GraphCheck.parse(answer("mTLS", client, "demo/other", 23)), denied));
        assertFalse(GraphCheck.showsTheDemo(GraphCheck.parse(answer("mTLS", client, "demo/waypoint", 19)), denied),
                "fewer 403s than the DENY step's requests");
        assertFalse(GraphCheck.showsTheDemo(GraphCheck.parse("{\"edges\": []}"), denied), "no edge");
    }

    private static String outsiderEdge(String security, int dropped) {
        return """
                {"edges": [{"id": "outside->demo/hello", "target": "demo/hello", "security": "%s",
                   "tcp": {"connectionsOpened": 3, "connectionsRefused": %d,
                     "refusedByReason": {"plaintext_dropped": {"connections": %d}}}}]}
                """.formatted(security, dropped, dropped);
    }

    @Test
    void theStrictStepsDropsMustBeOnAPlaintextEdgeIntoHello() {
        int attempts = DemoRunner.STRICT_ATTEMPTS;
        assertTrue(GraphCheck.showsTheStrictDrops(GraphCheck.parse(outsiderEdge("plaintext", attempts + 2)), attempts));
        assertFalse(GraphCheck.showsTheStrictDrops(GraphCheck.parse(outsiderEdge("plaintext", attempts - 1)), attempts));
        assertFalse(GraphCheck.showsTheStrictDrops(GraphCheck.parse(outsiderEdge("mTLS", attempts)), attempts));
        assertFalse(GraphCheck.showsTheStrictDrops(GraphCheck.parse(answer("mTLS", DemoRunner.CLIENT_PRINCIPAL,
                "demo/waypoint", 23)), attempts), "no plaintext edge into hello");
    }
}
