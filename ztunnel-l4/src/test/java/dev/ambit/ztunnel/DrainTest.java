package dev.ambit.ztunnel;

import dev.ambit.runtime.http.ReadinessServer;
import dev.ambit.runtime.testing.Http;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.Sockets;
import dev.ambit.ztunnel.testing.TwoNodeMesh;
import dev.ambit.runtime.testing.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** SIGTERM's drain: readiness fails, listeners stop accepting, open connections finish until the deadline. */
@ExtendWith(LeakDetectorExtension.class)
@Timeout(60)
class DrainTest {

    @Test
    void drainingNodeStopsAcceptingAndLetsOpenConnectionsFinish() throws Exception {
        try (TwoNodeMesh mesh = new TwoNodeMesh(); Socket open = mesh.connectFromClient()) {
            assertEquals(200, readiness(mesh.nodeA()));
            Sockets.assertEchoes(open, "ping");
            CompletableFuture<Void> drain =
                    CompletableFuture.runAsync(() -> mesh.nodeA().drain(Duration.ofSeconds(20)));
            Waits.until("readiness to fail", Duration.ofSeconds(5), () -> readiness(mesh.nodeA()) == 503);
            // Readiness fails first (as Kubernetes expects); the listeners close right after it.
            Waits.until("outbound listener to stop accepting", Duration.ofSeconds(5),
                    () -> refusesConnections(mesh.nodeA().outboundAddress()));
            Sockets.assertEchoes(open, "ping");
            assertFalse(drain.isDone());
            finish(open);
            drain.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void drainingDestinationSendsGoAwayButFinishesItsStreams() throws Exception {
        try (TwoNodeMesh mesh = new TwoNodeMesh(); Socket open = mesh.connectFromClient()) {
            Sockets.assertEchoes(open, "ping");
            CompletableFuture<Void> drain =
                    CompletableFuture.runAsync(() -> mesh.nodeB().drain(Duration.ofSeconds(20)));
            Waits.until("node B draining", Duration.ofSeconds(5), () -> !mesh.nodeB().ready());
            Waits.until("node B's HBONE listener to stop accepting", Duration.ofSeconds(5),
                    () -> refusesConnections(mesh.nodeB().hboneAddress()));
            Sockets.assertEchoes(open, "ping");
            Sockets.assertConnectionRefused(mesh::connectFromClient, "");
            finish(open);
            drain.get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The drain returns although the client never closes its connection: it closed it at the deadline. (Without the
     * deadline the drain would wait for the client, and the test would time out.)
     */
    @Test
    void connectionsStillOpenAtTheDeadlineAreClosed() throws Exception {
        try (TwoNodeMesh mesh = new TwoNodeMesh(); Socket open = mesh.connectFromClient()) {
            Sockets.assertEchoes(open, "ping");
            mesh.nodeA().drain(Duration.ofMillis(500));
            Sockets.assertRefused(open);
            assertEquals(0, mesh.nodeA().openConnections());
        }
    }

    /** The application is done with its connection: the drain has nothing left to wait for. */
    private static void finish(Socket socket) throws IOException {
        socket.close();
    }

    private static boolean refusesConnections(InetSocketAddress listener) {
        try (Socket accepted = TwoNodeMesh.connect(TwoNodeMesh.CLIENT_POD, listener)) {
            return false;
        } catch (UncheckedIOException refused) {
            return true;
        } catch (IOException closing) {
            throw new UncheckedIOException(closing);
        }
    }

    private static int readiness(Ztunnel tunnel) {
        return Http.get(tunnel.readinessAddress(), ReadinessServer.PATH).status();
    }
}
