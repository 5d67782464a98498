package dev.ambit.waypoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.waypoint.http.HttpLimits;
import dev.ambit.waypoint.testing.Http1Client;
import dev.ambit.waypoint.testing.Mesh;
import dev.ambit.waypoint.testing.NoLeaks;
import dev.ambit.waypoint.testing.RawClient;
import dev.ambit.waypoint.testing.RawH2Client;
import dev.ambit.waypoint.testing.TestBackend;
import dev.ambit.waypoint.testing.WaypointHarness;
import io.netty.buffer.PooledByteBufAllocator;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hostile clients: each is refused with bounded memory, and requests of well-behaved clients running at the same
 * time all succeed.
 */
@ExtendWith(NoLeaks.class)
class HardeningTest {

    static TestBackend backend;
    static WaypointHarness waypoint;
    static final String HOST = "Host: " + Mesh.host("app") + "\r\n";

    @BeforeAll
    static void start() {
        backend = TestBackend.http1("app");
        waypoint = new WaypointHarness(WaypointSettings.defaults()
                .withLimits(HttpLimits.defaults().withHeadersTimeout(Duration.ofMillis(800))));
        waypoint.update(new Mesh().service("app", backend.port()).config());
    }

    @AfterAll
    static void stop() {
        waypoint.close();
        backend.close();
    }

    /** Runs {@code attack} while a normal client keeps sending requests; all of those must succeed. */
    private static void whileOthersAreServed(Runnable attack) throws Exception {
        ExecutorService others = Executors.newSingleThreadExecutor();
        try {
            Http1Client client = new Http1Client(waypoint.port());
            Future<Integer> served = others.submit(() -> {
                int ok = 0;
                for (int i = 0; i < 50; i++) {
                    ok += client.get("app", "/ok").statusCode() == 200 ? 1 : 0;
                    Thread.sleep(5);
                }
                return ok;
            });
            attack.run();
            assertEquals(50, served.get(30, TimeUnit.SECONDS));
        } finally {
            others.shutdownNow();
        }
    }

    private static String raw(String request) {
        try (RawClient client = new RawClient(waypoint.port())) {
            return client.write(request).readAll();
        }
    }

    /**
     * HTTP/2 has no half-close: a client's FIN ends its connection instead of leaving it in CLOSE_WAIT, once the
     * answers in flight are sent.
     */
    @Test
    void anHttp2ClientsFinEndsItsConnectionAfterTheAnswer() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertEquals("200", RawH2Client.getThenEnd(waypoint.port(), Mesh.host("app"), "/bye").status());
        }
    }

    @Test
    void malformedRequestLineIs400AndClosed() throws Exception {
        int before = backend.requests();
        whileOthersAreServed(() -> {
            assertRefusedAndClosed(raw("HELLO\r\n\r\n"));
            assertRefusedAndClosed(raw("GET / HTTP/1.1\r\n" + HOST + "Bad Header: x\r\n\r\n"));
            assertRefusedAndClosed(raw("GET http://evil/ HTTP/1.1\r\n" + HOST + "\r\n"));
        });
        // The 50 requests of the well-behaved client, and not one of the malformed ones.
        assertEquals(before + 50, backend.requests(), "malformed requests were forwarded");
    }

    /** A 400 and then the waypoint's end of the connection ({@link RawClient} marks a read timeout with NUL). */
    private static void assertRefusedAndClosed(String answer) {
        assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        assertFalse(answer.endsWith("\u0000"), "connection left open after: " + answer);
    }

    @Test
    void oneMebibyteHeaderIs431WithBoundedMemory() throws Exception {
        long before = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
        whileOthersAreServed(() -> {
            StringBuilder big = new StringBuilder("GET / HTTP/1.1\r\n" + HOST + "X-Big: ");
            big.append("a".repeat(1024 * 1024)).append("\r\n\r\n");
            String answer = raw(big.toString());
            assertTrue(answer.startsWith("HTTP/1.1 431"), answer.substring(0, Math.min(80, answer.length())));
        });
        long grown = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() - before;
        assertTrue(grown < 4 * 1024 * 1024, "direct memory grew by " + grown);
    }

    @Test
    void smugglingAttemptsAreRefusedBeforeAnythingIsForwarded() throws Exception {
        int before = backend.requests();
        whileOthersAreServed(() -> {
            String clTe = raw("POST / HTTP/1.1\r\n" + HOST + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "0\r\n\r\nGET /smuggled HTTP/1.1\r\n" + HOST + "\r\n");
            assertTrue(clTe.startsWith("HTTP/1.1 400"), clTe);
            assertEquals(1, clTe.split("HTTP/1.1").length - 1, "one answer only: " + clTe);
            assertTrue(raw("POST / HTTP/1.1\r\n" + HOST + "Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcde")
                    .startsWith("HTTP/1.1 400"));
            assertTrue(raw("POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n")
                    .startsWith("HTTP/1.1 4"));
            assertTrue(raw("POST / HTTP/1.1\r\n" + HOST + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n")
                    .startsWith("HTTP/1.1 4"));
            assertTrue(raw("POST / HTTP/1.1\r\n" + HOST + "Content-Length : 5\r\n\r\nabcde")
                    .startsWith("HTTP/1.1 400"));
        });
        assertEquals(before + 50, backend.requests(), "only the well-behaved client's requests reached the backend");
    }

    /**
     * The headers timeout runs from the connection's start and is not pushed back by bytes that keep arriving: the
     * client drips a header line every 100 ms for as long as the connection lasts, so without the timeout it would
     * never be answered (the read gives up after 5 s, which fails the test).
     */
    @Test
    void slowlorisGets408AfterTheHeadersTimeout() throws Exception {
        whileOthersAreServed(() -> {
            try (RawClient slow = new RawClient(waypoint.port())) {
                long start = System.nanoTime();
                slow.write("GET / HTTP/1.1\r\n" + HOST);
                Thread drip = new Thread(() -> {
                    for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                        slow.write("X-Drip-" + i + ": 1\r\n");
                        sleep(100);
                    }
                });
                drip.start();
                String answer;
                try {
                    answer = slow.readAll();
                } finally {
                    drip.interrupt();
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
                // Not before the timeout (800 ms from the connection's start, a moment before ours).
                assertTrue(millis >= 700, "took " + millis + " ms");
            }
        });
    }

    @Test
    void keepAliveCarriesManyRequestsAndPipelinedOnesAreAnsweredInOrder() {
        String answer = raw("GET /a HTTP/1.1\r\n" + HOST + "\r\nGET /b HTTP/1.1\r\n" + HOST
                + "Connection: close\r\n\r\n");
        assertEquals(2, answer.split("HTTP/1.1 200").length - 1, answer);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
