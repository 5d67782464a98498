package dev.ambit.waypoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.runtime.testing.Waits;
import dev.ambit.runtime.transport.FailureReason;
import dev.ambit.waypoint.http.HttpLimits;
import dev.ambit.waypoint.testing.Http1Client;
import dev.ambit.waypoint.testing.Mesh;
import dev.ambit.waypoint.testing.NoLeaks;
import dev.ambit.waypoint.testing.RawClient;
import dev.ambit.waypoint.testing.TestBackend;
import dev.ambit.waypoint.testing.WaypointHarness;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The waypoint past its limits (docs/waypoint.md, "Limits"): a full listener resets new connections and counts them
 * in {@code ambit_tcp_connection_failures_total{reason="listener_full"}}, and a client that never reads its response
 * holds a bounded amount of memory (the waypoint stops reading from the backend) while others are served.
 */
@ExtendWith(NoLeaks.class)
@Timeout(60)
class OverloadTest {

    private static final Logger log = LoggerFactory.getLogger(OverloadTest.class);
    private static final int MIB = 1024 * 1024;
    private static final int LIMIT = 4;

    @Test
    void aFullListenerResetsNewConnectionsCountsThemAndServesAgainOnceOneCloses() throws Exception {
        HttpLimits d = HttpLimits.defaults();
        HttpLimits limits = new HttpLimits(d.maxInitialLineLength(), d.maxHeaderSize(), d.maxRequestBodyBytes(),
                d.maxConcurrentStreams(), d.retryBufferBytes(), d.headersTimeout(), d.idleTimeout(), LIMIT,
                d.closeLinger());
        try (TestBackend backend = TestBackend.http1("app");
                WaypointHarness waypoint = new WaypointHarness(WaypointSettings.defaults().withLimits(limits))) {
            waypoint.update(new Mesh().service("app", backend.port()).config());
            List<RawClient> held = new ArrayList<>();
            try {
                for (int i = 0; i < LIMIT; i++) {
                    held.add(new RawClient(waypoint.port()));
                }
                // Each refused connection is counted as the listener resets it, whatever the client sees first.
                for (int i = 0; i < 2; i++) {
                    try (RawClient refused = new RawClient(waypoint.port())) {
                        assertEquals("", refused.write(request()).readAll(), "a connection past the limit");
                    } catch (RuntimeException resetOnConnect) {
                        // reset before the connect returned
                    }
                }
                Waits.until("two refusals counted", Duration.ofSeconds(5),
                        () -> failures(waypoint, FailureReason.LISTENER_FULL) == 2);

                held.remove(0).close();
                // The freed place shows once the waypoint has seen the close; until then a try may still be reset.
                Waits.until("a freed place serves", Duration.ofSeconds(5), () -> {
                    try (RawClient again = new RawClient(waypoint.port())) {
                        return again.write(request()).readAll().startsWith("HTTP/1.1 200");
                    } catch (RuntimeException reset) {
                        return false;
                    }
                });
                for (RawClient client : held) {
                    String reply = client.write(request()).readAll();
                    assertTrue(reply.startsWith("HTTP/1.1 200"), "a held connection is still served: " + reply);
                }
            } finally {
                held.forEach(RawClient::close);
            }
        }
    }

    @Test
    void aClientThatNeverReadsItsResponseHoldsBoundedMemoryWhileOthersAreServed() throws Exception {
        try (EndlessBackend endless = new EndlessBackend(); TestBackend app = TestBackend.http1("app");
                WaypointHarness waypoint = new WaypointHarness(WaypointSettings.defaults());
                Socket stuck = new Socket()) {
            waypoint.update(new Mesh().service("endless", endless.port()).service("app", app.port()).config());
            long directBefore = liveDirectBytes();
            // Small kernel buffers on the client, so that what piles up is what the waypoint holds.
            stuck.setReceiveBufferSize(16 * 1024);
            stuck.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), waypoint.port()), 5_000);
            stuck.getOutputStream().write(("GET /forever HTTP/1.1\r\nHost: " + Mesh.host("endless") + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            Waits.until("the backend streaming", Duration.ofSeconds(10), () -> endless.written() > MIB);

            Http1Client others = new Http1Client(waypoint.port());
            long maxDirect = 0;
            long writtenHalfway = 0;
            int served = 0;
            for (int i = 0; i < 40; i++) {
                served += others.get("app", "/ok").statusCode() == 200 ? 1 : 0;
                maxDirect = Math.max(maxDirect, liveDirectBytes() - directBefore);
                if (i == 20) {
                    writtenHalfway = endless.written();
                }
                Thread.sleep(50);
            }
            long writtenAtEnd = endless.written();
            log.info("event=never_reading_client_measured backend_written_bytes={} written_halfway_bytes={}"
                    + " max_live_direct_buffer_growth_bytes={}", writtenAtEnd, writtenHalfway, maxDirect);
            assertEquals(40, served, "requests of other clients while one never reads");
            // Kernel buffers on two loopback hops hold most of what the backend wrote; the waypoint adds its write
            // water marks and a read or two.
            assertTrue(writtenAtEnd < 32L * MIB, "the backend could write " + writtenAtEnd + " bytes");
            assertTrue(writtenAtEnd - writtenHalfway < MIB,
                    "still flowing: " + writtenHalfway + " -> " + writtenAtEnd);
            assertTrue(maxDirect < 8L * MIB, "live pooled direct buffers grew by " + maxDirect);
            stuck.setSoLinger(true, 0);
        }
    }

    private static String request() {
        return "GET /ok HTTP/1.1\r\nHost: " + Mesh.host("app") + "\r\nConnection: close\r\n\r\n";
    }

    private static long failures(WaypointHarness waypoint, FailureReason reason) {
        return waypoint.waypoint.connectionFailures().count(reason);
    }

    private static long liveDirectBytes() {
        return PooledByteBufAllocator.DEFAULT.metric().directArenas().stream()
                .mapToLong(PoolArenaMetric::numActiveBytes)
                .sum();
    }

    /** An HTTP/1.1 backend that answers every request with an endless chunked body, counting what it wrote. */
    private static final class EndlessBackend implements AutoCloseable {

        private final ServerSocket server;
        private final AtomicLong written = new AtomicLong();
        private final Thread thread;

        EndlessBackend() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            thread = new Thread(this::serve, "endless-backend");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        long written() {
            return written.get();
        }

        private void serve() {
            byte[] data = new byte[64 * 1024];
            byte[] chunkHead = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
            byte[] crlf = "\r\n".getBytes(StandardCharsets.ISO_8859_1);
            try (Socket socket = server.accept()) {
                InputStream in = socket.getInputStream();
                int matched = 0;
                while (matched < 4) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
                }
                OutputStream out = socket.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                while (!server.isClosed()) {
                    out.write(chunkHead);
                    out.write(data);
                    out.write(crlf);
                    written.addAndGet(data.length);
                }
            } catch (IOException closed) {
                // the test is over
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
