package dev.ambit.ztunnel;

import dev.ambit.ztunnel.config.TunnelConfig;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.Sockets;
import dev.ambit.ztunnel.testing.TwoNodeMesh;
import dev.ambit.runtime.testing.Waits;
import dev.ambit.runtime.transport.Transport;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tunnel restart without a gap: the successor binds the node's ports while its predecessor still listens
 * (SO_REUSEPORT), then the predecessor drains; new connections reach the successor, old ones finish where they are.
 */
@ExtendWith(LeakDetectorExtension.class)
@Timeout(60)
class ListenerHandoverTest {

    @Test
    void aSuccessorSharesThePortsAndTakesNewConnectionsWhileThePredecessorDrains() throws Exception {
        Transport transport = Transport.best();
        assertTrue(transport.sharesPorts(), "on Linux the tunnel runs on io_uring or epoll, which share ports");
        try (TwoNodeMesh mesh = new TwoNodeMesh(); Socket old = mesh.connectFromClient()) {
            Ztunnel predecessor = mesh.nodeA();
            Sockets.assertEchoes(old, "before");
            PrometheusRegistry successorMetrics = new PrometheusRegistry();
            try (Ztunnel successor = Ztunnel.start(sameAddresses(predecessor, mesh), transport, mesh.ca().client(),
                    mesh.ca().trustBundle(), mesh.lookup(), successorMetrics, Clock.systemUTC())) {
                successor.updateConfig(TunnelConfig.builder()
                        .workloads(List.of(mesh.clientWorkload(), mesh.echoWorkload())).build());
                Waits.until("the successor's certificates", Duration.ofSeconds(20), successor::ready);
                assertEquals(predecessor.outboundAddress(), successor.outboundAddress());
                assertEquals(predecessor.adminAddress(), successor.adminAddress(), "admin is shared like the rest");

                CompletableFuture<Void> drain =
                        CompletableFuture.runAsync(() -> predecessor.drain(Duration.ofSeconds(20)));
                Waits.until("the predecessor to drain", Duration.ofSeconds(5), () -> !predecessor.ready());
                // Until the predecessor's listeners are closed, either tunnel may take a new connection.
                connectAndEcho(mesh, 20);
                Sockets.assertEchoes(old, "during");
                old.close();
                drain.get(10, TimeUnit.SECONDS);
                assertEquals(0, predecessor.openConnections());

                double before = openedOutbound(successorMetrics);
                connectAndEcho(mesh, 10);
                assertEquals(before + 10, openedOutbound(successorMetrics), "the successor carries every new one");
                // Not through :15021: the predecessor, drained but not closed, answers there too (hence ready files).
                assertTrue(successor.ready());
            }
        }
    }

    private static void connectAndEcho(TwoNodeMesh mesh, int connections) throws Exception {
        for (int i = 0; i < connections; i++) {
            try (Socket fresh = mesh.connectFromClient()) {
                Sockets.assertEchoes(fresh, "fresh-" + i);
            }
        }
    }

    private static double openedOutbound(PrometheusRegistry registry) {
        return registry.scrape().stream()
                .filter(snapshot -> snapshot.getMetadata().getName().equals("ambit_tcp_connections_opened"))
                .flatMap(snapshot -> ((CounterSnapshot) snapshot).getDataPoints().stream())
                .filter(point -> "outbound".equals(point.getLabels().get("direction")))
                .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
                .sum();
    }

    private static ZtunnelOptions sameAddresses(Ztunnel predecessor, TwoNodeMesh mesh) {
        return ZtunnelOptions.ephemeral("node-a", predecessor.outboundAddress().getAddress()).toBuilder()
                .outbound(predecessor.outboundAddress())
                .hbone(predecessor.hboneAddress())
                .plaintextInbound(predecessor.plaintextInboundAddress())
                .metrics(predecessor.metricsAddress())
                .readiness(predecessor.readinessAddress())
                .admin(predecessor.adminAddress())
                .hboneSettings(TwoNodeMesh.DEFAULT_SETTINGS)
                .drainDeadline(Duration.ofSeconds(5))
                .build();
    }
}
