package dev.ambit.control.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ambit.control.model.ConfigSnapshot;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rounds of scraping: every target once per round, a silent one bounded by the deadline, JSON for the API. */
class GraphScraperTest {

    private static ConfigSnapshot snapshot;

    @BeforeAll
    static void model(@TempDir Path dir) throws Exception {
        snapshot = DemoModel.snapshot(dir);
    }

    @Test
    void aTargetThatNeverAnswersIsCutOffAtTheDeadlineAndTheRoundGoesOn() {
        ConcurrentHashMap<String, AtomicLong> fetches = new ConcurrentHashMap<>();
        GraphScraper scraper = GraphScraper.manual(() -> snapshot, DemoModel.ROOT_NAMESPACE, target -> {
            fetches.computeIfAbsent(target.name(), any -> new AtomicLong()).incrementAndGet();
            return switch (target.name()) {
                case "node1" -> CompletableFuture.completedFuture(CannedScrapes.node1(30, 0));
                case "node2" -> new CompletableFuture<>(); // never answers
                default -> CompletableFuture.failedFuture(new java.net.ConnectException("refused"));
            };
        }, Clock.systemUTC(), Duration.ofMillis(200));

        MeshGraph graph = scraper.scrapeNow();

        assertEquals(List.of(true, false, false, false),
                graph.scrapes().stream().map(MeshGraph.ScrapeStatus::ok).toList(), "node1, node2, waypoint, ingress");
        assertTrue(graph.scrapes().get(1).error().contains("Timeout"), graph.scrapes().get(1).error());
        assertTrue(graph.scrapes().get(2).error().contains("refused"), graph.scrapes().get(2).error());
        assertEquals(1, fetches.get("node1").get());
        assertEquals(1, fetches.get("node2").get());
        assertEquals(1, fetches.get("demo/waypoint").get(), "one fetch per target per round");
        assertNull(graph.edges().get(0).tcp().connectionsPerSecond());
    }

    @Test
    void theApiAnswerIsTheLastRoundAsJsonWithRatesFromTheSecondRound() throws Exception {
        AtomicLong connections = new AtomicLong(30);
        GraphScraper scraper = GraphScraper.manual(() -> snapshot, DemoModel.ROOT_NAMESPACE,
                target -> CompletableFuture.completedFuture(switch (target.name()) {
                    case "node1" -> CannedScrapes.node1(connections.get(), 0);
                    case "node2" -> CannedScrapes.node2(connections.get(), 0, 0);
                    default -> CannedScrapes.waypoint(10, 0, 0);
                }), Clock.systemUTC(), Duration.ofSeconds(5));
        JsonNode before = new ObjectMapper().readTree(scraper.graphJson());
        assertEquals(0, before.get("edges").size(), "before the first round: an empty graph, not an error");

        scraper.scrapeNow();
        connections.set(60);
        scraper.scrapeNow();

        JsonNode graph = new ObjectMapper().readTree(scraper.graphJson());
        JsonNode edge = null;
        for (JsonNode candidate : graph.get("edges")) {
            if (candidate.get("id").asText().equals("demo/client->demo/hello")) {
                edge = candidate;
            }
        }
        assertNotNull(edge, graph.toString());
        assertEquals("mTLS", edge.get("security").asText());
        assertEquals(60, edge.get("tcp").get("connectionsOpened").asLong());
        assertTrue(edge.get("tcp").get("connectionsPerSecond").asDouble() > 0, edge.toString());
        assertEquals(DemoModel.CLIENT, edge.get("sourcePrincipals").get(0).asText());
        assertTrue(graph.get("intervalSeconds").asDouble() > 0);
    }
}
