package dev.ambit.ztunnel;

import dev.ambit.runtime.hbone.HboneSettings;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.Waits;
import dev.ambit.runtime.transport.FailureReason;
import dev.ambit.ztunnel.testing.TwoNodeMesh;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The tunnel past its limits (docs/node-agent.md, "Limits"): a full listener resets new connections at once and
 * counts them, the connections it holds keep working, and it serves again as soon as places free up; connections
 * that never start their TLS handshake hold a place on the HBONE listener only until the handshake deadline.
 */
@ExtendWith(LeakDetectorExtension.class)
@Timeout(60)
class OverloadTest {

    private static final int LIMIT = 8;
    private static final Duration HANDSHAKE_DEADLINE = Duration.ofSeconds(2);

    @Test
    void aFullOutboundListenerResetsNewConnectionsCountsThemAndServesAgainOnceOneCloses() throws Exception {
        try (TwoNodeMesh mesh = TwoNodeMesh.withConnectionLimit(TwoNodeMesh.DEFAULT_SETTINGS, LIMIT)) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < LIMIT; i++) {
                    Socket socket = mesh.connectFromClient();
                    held.add(socket);
                    assertEchoes(socket, i);
                }

                assertReset(mesh);
                assertReset(mesh);
                Waits.until("two refusals counted", Duration.ofSeconds(5),
                        () -> mesh.nodeA().metrics().failures(FailureReason.LISTENER_FULL) == 2);
                for (int i = 0; i < LIMIT; i++) {
                    assertEchoes(held.get(i), 100 + i);
                }

                held.remove(0).close();
                Waits.until("a place freed", Duration.ofSeconds(5),
                        () -> mesh.nodeA().openConnections() == LIMIT - 1);
                try (Socket again = mesh.connectFromClient()) {
                    assertEchoes(again, 42);
                }
                assertEquals(2, mesh.nodeA().metrics().failures(FailureReason.LISTENER_FULL));
            } finally {
                for (Socket socket : held) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void silentConnectionsHoldTheHboneListenerOnlyUntilTheHandshakeDeadline() throws Exception {
        HboneSettings settings = withMaxConnections(TwoNodeMesh.DEFAULT_SETTINGS
                .withTimeouts(HANDSHAKE_DEADLINE, Duration.ofSeconds(5), Duration.ofSeconds(30)), LIMIT);
        try (TwoNodeMesh mesh = TwoNodeMesh.withConnectionLimit(settings, 1000)) {
            List<Socket> silent = new ArrayList<>();
            try {
                // Slowloris on the mTLS port: connections that never send a ClientHello.
                for (int i = 0; i < LIMIT; i++) {
                    silent.add(TwoNodeMesh.connect(TwoNodeMesh.CLIENT_POD, mesh.nodeB().hboneAddress()));
                }
                Waits.until("the HBONE listener full", Duration.ofSeconds(5),
                        () -> mesh.nodeB().openConnections() == LIMIT);

                try (Socket meanwhile = mesh.connectFromClient()) {
                    assertClosedWithoutAnswer(meanwhile);
                }
                assertTrue(mesh.nodeB().metrics().failures(FailureReason.LISTENER_FULL) >= 1,
                        "the tunnel's HBONE connection was refused and counted");

                for (Socket socket : silent) {
                    assertClosedWithoutAnswer(socket);
                }
                assertEquals(LIMIT, mesh.nodeB().metrics().failures(FailureReason.HANDSHAKE_TIMEOUT));
                try (Socket after = mesh.connectFromClient()) {
                    assertEchoes(after, 7);
                }
            } finally {
                for (Socket socket : silent) {
                    socket.close();
                }
            }
        }
    }

    private static HboneSettings withMaxConnections(HboneSettings s, int maxConnections) {
        return new HboneSettings(s.streamWindow(), s.connectionWindow(), s.maxConcurrentStreams(),
                s.handshakeTimeout(), s.connectTimeout(), s.idleTimeout(), s.gracefulShutdown(),
                s.maxHeaderListSize(), maxConnections, s.keepaliveInterval(), s.keepaliveTimeout(),
                s.maxConnectionsPerPeer());
    }

    private static void assertEchoes(Socket socket, int value) throws IOException {
        socket.getOutputStream().write(value);
        socket.getOutputStream().flush();
        assertEquals(value & 0xff, socket.getInputStream().read(), "echoed byte");
    }

    /**
     * A connection from the client pod is reset without a byte: the kernel accepted it, the full listener reset it,
     * so the client sees the reset on connect (when it arrives that soon), on write or on read.
     */
    private static void assertReset(TwoNodeMesh mesh) throws IOException {
        Socket socket;
        try {
            socket = mesh.connectFromClient();
        } catch (UncheckedIOException e) {
            assertTrue(e.getCause() instanceof SocketException, () -> "not a reset: " + e.getCause());
            return;
        }
        try (socket) {
            socket.setSoTimeout(5_000);
            InputStream in = socket.getInputStream();
            try {
                socket.getOutputStream().write(1);
                int read = in.read();
                assertEquals(-1, read, "a refused connection carries nothing");
            } catch (SocketTimeoutException e) {
                fail("a connection past the limit was neither served nor reset");
            } catch (SocketException reset) {
                // connection reset: what a full listener does
            }
        }
    }

    /** Closed (EOF or reset) by the other side within a few seconds, with nothing received. */
    private static void assertClosedWithoutAnswer(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        try {
            assertEquals(-1, socket.getInputStream().read(), "nothing received before the close");
        } catch (SocketTimeoutException e) {
            fail("still open after 10 s");
        } catch (SocketException reset) {
            // reset by the peer: closed as well
        }
    }
}
