package dev.ambit.control.graph;

import dev.ambit.api.mesh.PrometheusText;
import static dev.ambit.control.graph.DemoModel.CLIENT;
import static dev.ambit.control.graph.DemoModel.HELLO;
import static dev.ambit.control.graph.DemoModel.ROOT_NAMESPACE;
import static dev.ambit.control.graph.DemoModel.WAYPOINT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.mesh.PrometheusText.Sample;
import dev.ambit.control.graph.MeshGraph.Edge;
import dev.ambit.control.graph.MeshGraph.Node;
import dev.ambit.control.model.ConfigSnapshot;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The graph of the demo's mesh from canned scrapes of its tunnels and waypoint. */
class GraphBuilderTest {

    private static final Instant NOW = Instant.parse("2026-12-06T18:00:00Z");
    private static ConfigSnapshot snapshot;

    @BeforeAll
    static void model(@TempDir Path dir) throws Exception {
        snapshot = DemoModel.snapshot(dir);
    }

    private static MeshGraph once(List<TargetScrape> round) {
        return new GraphBuilder(snapshot, ROOT_NAMESPACE).build(round, Map.of(), 0, NOW);
    }

    private static Edge edge(MeshGraph graph, String id) {
        return graph.edges().stream().filter(e -> e.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no edge " + id + " in " + graph.edges()));
    }

    private static Node node(MeshGraph graph, String id) {
        return graph.nodes().stream().filter(n -> n.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no node " + id + " in " + graph.nodes()));
    }

    @Test
    void clientToHelloIsOneMtlsEdgeCountedByTheDestinationTunnels() {
        MeshGraph graph = once(CannedScrapes.round(CannedScrapes.node1(30, 0), CannedScrapes.node2(30, 0, 0), ""));

        Edge edge = edge(graph, "demo/client->demo/hello");
        assertEquals("mTLS", edge.security());
        assertEquals(List.of(CLIENT), edge.sourcePrincipals());
        assertEquals(List.of(HELLO), edge.destinationPrincipals());
        assertEquals(30, edge.tcp().connectionsOpened(),
                "the inbound counts of both nodes (10 + 20), not also the client tunnel's outbound 30");
        assertEquals(30, edge.tcp().mtlsConnections());
        assertEquals(500 + 1500, edge.tcp().sentBytes() + edge.tcp().receivedBytes());
        assertNull(edge.tcp().connectionsPerSecond(), "no rates from a single round");
    }

    @Test
    void plaintextFromAPodOutsideTheMeshOrAnUnknownAddressIsShownAsPlaintextWithNoPrincipal() {
        MeshGraph graph = once(CannedScrapes.round(CannedScrapes.node1(0, 0), CannedScrapes.node2(0, 0, 4), ""));

        Edge fromOutsider = edge(graph, "legacy/outsider->demo/hello");
        assertEquals("plaintext", fromOutsider.security(),
                "the tunnel named the outsider by its address: it came in plaintext, whatever identity it has");
        assertEquals(4, fromOutsider.tcp().plaintextConnections());
        assertTrue(fromOutsider.sourcePrincipals().isEmpty(), "an identity nothing proved is not shown as one");
        assertFalse(node(graph, "legacy/outsider").inMesh());
        assertTrue(node(graph, "demo/hello").inMesh());

        Edge fromNowhere = edge(graph, "outside->demo/hello");
        assertEquals("plaintext", fromNowhere.security());
        assertEquals(8, fromNowhere.tcp().connectionsOpened());
        assertEquals(MeshGraph.OUTSIDE, node(graph, "outside").kind());
    }

    @Test
    void theWaypointsRequestsAndTheDenyPoliciesRefusalsLandOnClientToHello() {
        MeshGraph graph = once(CannedScrapes.round(CannedScrapes.node1(0, 40), CannedScrapes.node2(0, 40, 0),
                CannedScrapes.waypoint(100, 0, 20)));

        Edge edge = edge(graph, "demo/client->demo/hello");
        assertEquals("demo/waypoint", edge.waypoint());
        assertEquals("mTLS", edge.security());
        assertEquals(120, edge.http().requests());
        assertEquals(20, edge.http().forbidden(), "403s refused before any endpoint was picked are hello-svc's");
        assertEquals(20, edge.http().errors());
        assertEquals(Map.of("200", 100L, "403", 20L), edge.http().responseCodes());
        assertEquals(List.of(CLIENT), edge.sourcePrincipals());

        Edge toWaypoint = edge(graph, "demo/client->demo/waypoint");
        assertEquals("mTLS", toWaypoint.security(), "the client's tunnel reaches the waypoint over HBONE");
        assertEquals(40, toWaypoint.tcp().connectionsOpened(), "no tunnel receives these: the outbound count stands");
        assertEquals("mTLS", edge(graph, "demo/waypoint->demo/hello").security());
        Edge passthrough = edge(graph, "demo/client->outside");
        assertEquals("plaintext", passthrough.security(), "passed through to no workload of the mesh");
        assertEquals(7, passthrough.tcp().plaintextConnections());
        assertEquals(MeshGraph.WAYPOINT, node(graph, "demo/waypoint").kind());
    }

    @Test
    void ratesErrorShareAndP99ComeFromTheDifferenceBetweenTwoRounds() {
        List<TargetScrape> first = CannedScrapes.round(CannedScrapes.node1(30, 10), CannedScrapes.node2(30, 10, 0),
                CannedScrapes.waypoint(100, 0, 0));
        List<TargetScrape> second = CannedScrapes.round(CannedScrapes.node1(60, 20), CannedScrapes.node2(60, 20, 0),
                CannedScrapes.waypoint(150, 50, 100));
        Map<String, List<Sample>> previous = new HashMap<>();
        first.forEach(s -> previous.put(s.target().uri().toString(), s.samples()));

        MeshGraph graph = new GraphBuilder(snapshot, ROOT_NAMESPACE).build(second, previous, 5, NOW);

        Edge edge = edge(graph, "demo/client->demo/hello");
        assertEquals(6.0, edge.tcp().connectionsPerSecond(), "30 more connections in 5 s");
        assertEquals(40.0, edge.http().requestsPerSecond(), "200 more requests in 5 s");
        assertEquals(0.5, edge.http().errorShare(), "100 of those 200 were 403s");
        assertEquals(20.0, edge.http().forbiddenPerSecond());
        // Of the 200 new requests, 150 (50 fast 200s + 100 403s) took 5 ms or less, 50 up to 500 ms: the 198th
        // is in the (0.005, 0.5] bucket, 48 of its 50 in.
        assertEquals(0.005 + (0.5 - 0.005) * 48 / 50, edge.http().p99Seconds(), 1e-9);
    }

    @Test
    void aWorkloadShowsItsIdentityNodeCertificateWaypointAndPolicies() {
        MeshGraph graph = once(CannedScrapes.round(CannedScrapes.node1(3, 0), CannedScrapes.node2(3, 0, 0), ""));

        Node hello = node(graph, "demo/hello");
        assertEquals(MeshGraph.WORKLOAD, hello.kind());
        assertTrue(hello.services().contains("demo/hello-svc"), hello.services().toString());
        MeshGraph.Workload v1 = hello.workloads().stream().filter(w -> w.name().equals("demo/hello-v1")).findFirst()
                .orElseThrow();
        assertEquals(HELLO, v1.identity());
        assertEquals("node1", v1.node());
        assertEquals(List.of("10.244.1.11", "fd00:10:244:1::11"), v1.addresses(), "both families, IPv6 compressed");
        assertEquals(85000.0, v1.certificateExpiresInSeconds(), "node1's tunnel holds hello's certificate for v1");
        assertEquals("demo/waypoint", v1.waypoint());
        assertTrue(v1.policies().contains("AuthorizationPolicy demo/deny-client"), v1.policies().toString());
        assertEquals(84000.0, hello.workloads().stream().filter(w -> w.name().equals("demo/hello-v2")).findFirst()
                .orElseThrow().certificateExpiresInSeconds());

        Node waypoint = node(graph, "demo/waypoint");
        assertEquals(WAYPOINT, waypoint.workloads().get(0).identity());
        assertEquals("NONE", waypoint.workloads().get(0).dataplaneMode());
    }

    @Test
    void refusalsThatNameNoEdgeAreReportedPerNode() {
        MeshGraph graph = once(CannedScrapes.round(CannedScrapes.node1(0, 0), CannedScrapes.node2(0, 0, 0), ""));

        assertEquals(Map.of("policy_denied", 2L), graph.meshNodes().get(0).refusedConnections());
        assertEquals(3, graph.meshNodes().get(1).droppedPlaintextSyns());
    }

    @Test
    void refusedConnectionsAreOnTheEdgeTheyHitByReason() {
        String node2 = CannedScrapes.node2(30, 0, 0)
                + CannedScrapes.refused("unknown", "demo", CLIENT, "policy_denied", 5)
                + CannedScrapes.refused("unknown", "unknown", "unknown", "plaintext_rejected", 3)
                + CannedScrapes.refused("outsider", "legacy", CannedScrapes.OUTSIDER, "plaintext_rejected", 2);

        MeshGraph graph = once(CannedScrapes.round(CannedScrapes.node1(30, 0), node2, ""));

        Edge denied = edge(graph, "demo/client->demo/hello");
        assertEquals(5L, denied.tcp().connectionsRefused());
        assertEquals(Map.of("policy_denied", new MeshGraph.Refusals(5, null)), denied.tcp().refusedByReason());
        assertEquals(30, denied.tcp().connectionsOpened(), "refused connections are not among the opened ones");
        assertEquals("mTLS", denied.security());
        assertNull(denied.tcp().refusedPerSecond(), "no rates from a single round");

        Edge strict = edge(graph, "outside->demo/hello");
        assertEquals(3L, strict.tcp().connectionsRefused(), "an address no workload has: from outside the mesh");
        assertEquals(0, strict.tcp().connectionsOpened());
        assertEquals("plaintext", strict.security(), "nothing got through: the edge is what was attempted");
        Edge fromOutsider = edge(graph, "legacy/outsider->demo/hello");
        assertEquals(Map.of("plaintext_rejected", new MeshGraph.Refusals(2, null)),
                fromOutsider.tcp().refusedByReason());
        assertTrue(fromOutsider.sourcePrincipals().isEmpty(), "an identity nothing proved is not shown as one");

        assertNull(edge(graph, "demo/client->outside").tcp().connectionsRefused(), "absent where none was refused");
    }

    @Test
    void plaintextSynsTheKernelDroppedUnderStrictAreOnTheirEdgeToo() {
        String node2 = CannedScrapes.node2(30, 0, 0)
                + CannedScrapes.refused("outsider", "legacy", CannedScrapes.OUTSIDER, "plaintext_rejected", 2)
                + CannedScrapes.refused("outsider", "legacy", CannedScrapes.OUTSIDER, "plaintext_rejected", 0)
                        .replace("ambit_tcp_connections_refused_total", "ambit_bpf_strict_drops_total")
                        .replace(",reason=\"plaintext_rejected\"", "").replace("} 0", "} 7");

        MeshGraph graph = once(CannedScrapes.round(CannedScrapes.node1(30, 0), node2, ""));

        Edge fromOutsider = edge(graph, "legacy/outsider->demo/hello");
        assertEquals(Map.of("plaintext_rejected", new MeshGraph.Refusals(2, null),
                GraphBuilder.PLAINTEXT_DROPPED, new MeshGraph.Refusals(7, null)), fromOutsider.tcp().refusedByReason());
        assertEquals(9L, fromOutsider.tcp().connectionsRefused());
        assertEquals("plaintext", fromOutsider.security());
    }

    @Test
    void refusalRatesComeFromTheDifferenceBetweenTwoRounds() {
        List<TargetScrape> first = CannedScrapes.round(CannedScrapes.node1(0, 0),
                CannedScrapes.node2(0, 0, 0) + CannedScrapes.refused("unknown", "demo", CLIENT, "policy_denied", 5),
                "");
        List<TargetScrape> second = CannedScrapes.round(CannedScrapes.node1(0, 0),
                CannedScrapes.node2(0, 0, 0) + CannedScrapes.refused("unknown", "demo", CLIENT, "policy_denied", 15)
                        + CannedScrapes.refused("client", "demo", CLIENT, "plaintext_rejected", 4),
                "");
        Map<String, List<Sample>> previous = new HashMap<>();
        first.forEach(s -> previous.put(s.target().uri().toString(), s.samples()));

        MeshGraph graph = new GraphBuilder(snapshot, ROOT_NAMESPACE).build(second, previous, 5, NOW);

        Edge edge = edge(graph, "demo/client->demo/hello");
        assertEquals(19L, edge.tcp().connectionsRefused());
        assertEquals(2.8, edge.tcp().refusedPerSecond(), "14 more refusals in 5 s");
        assertEquals(Map.of("policy_denied", new MeshGraph.Refusals(15, 2.0),
                "plaintext_rejected", new MeshGraph.Refusals(4, 0.8)), edge.tcp().refusedByReason());
        assertEquals("mixed", edge.security(), "mTLS denied by policy, plaintext refused under STRICT");
    }

    @Test
    void aTargetThatDidNotAnswerIsReportedAndTheOthersStillCount() {
        List<TargetScrape> round = List.of(TargetScrape.failed(CannedScrapes.NODE1, "connect timed out"),
                TargetScrape.ok(CannedScrapes.NODE2, PrometheusText.parse(CannedScrapes.node2(30, 0, 0))));

        MeshGraph graph = once(round);

        assertEquals(20, edge(graph, "demo/client->demo/hello").tcp().connectionsOpened());
        assertEquals(List.of(false, true), graph.scrapes().stream().map(MeshGraph.ScrapeStatus::ok).toList());
        assertEquals("connect timed out", graph.scrapes().get(0).error());
    }
}
