package dev.ambit.waypoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.waypoint.testing.Mesh;
import dev.ambit.waypoint.testing.NoLeaks;
import dev.ambit.waypoint.testing.TestBackend;
import dev.ambit.waypoint.testing.WaypointHarness;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code Expect: 100-continue} over HTTP/1.1, the way curl sends a large upload: the head alone, then the body only
 * once the waypoint said 100 Continue. The waypoint answers the Expect itself and the body reaches the backend.
 */
@ExtendWith(NoLeaks.class)
@Timeout(30)
class ExpectContinueTest {

    static TestBackend backend;
    static WaypointHarness waypoint;

    @BeforeAll
    static void start() {
        backend = TestBackend.http1("app");
        waypoint = new WaypointHarness(WaypointSettings.defaults());
        waypoint.update(new Mesh().service("app", backend.port()).config());
    }

    @AfterAll
    static void stop() {
        waypoint.close();
        backend.close();
    }

    @Test
    void theClientGets100ContinueAndTheBodyReachesTheBackend() throws IOException {
        int before = backend.requests();
        try (Socket socket = new Socket("127.0.0.1", waypoint.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: " + Mesh.host("app") + "\r\nContent-Length: 11\r\n"
                    + "Expect: 100-continue\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Without the 100 this read waits for a body the client does not send: the socket timeout fails it.
            String interim = readHead(in);
            assertTrue(interim.startsWith("HTTP/1.1 100 Continue"), interim);
            out.write("hello world".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertEquals("app", readBody(in, head));
        }
        assertEquals(before + 1, backend.requests());
        assertEquals("hello world", backend.last().body());
        // Answered here: the backend is not asked to send a 100 of its own.
        assertNull(backend.last().headers().get("expect"));
    }

    @Test
    void aBodyAnnouncedOverTheLimitIsRefusedBeforeItIsSent() throws IOException {
        int before = backend.requests();
        try (Socket socket = new Socket("127.0.0.1", waypoint.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /upload HTTP/1.1\r\nHost: " + Mesh.host("app") + "\r\n"
                    + "Content-Length: " + (1L << 30) + "\r\nExpect: 100-continue\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String head = readHead(socket.getInputStream());
            assertTrue(head.startsWith("HTTP/1.1 413"), head);
        }
        assertEquals(before, backend.requests());
    }

    /** Reads up to the blank line that ends a response head. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        throw new EOFException("connection ended inside a response head: " + head);
    }

    private static String readBody(InputStream in, String head) throws IOException {
        int length = 0;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }
}
