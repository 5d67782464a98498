package dev.ambit.waypoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ambit.waypoint.testing.Http1Client;
import dev.ambit.waypoint.testing.Mesh;
import dev.ambit.waypoint.testing.NoLeaks;
import dev.ambit.waypoint.testing.TestBackend;
import dev.ambit.waypoint.testing.WaypointHarness;
import dev.ambit.waypoint.upstream.UpstreamSettings;
import io.netty.channel.socket.DuplexChannel;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A backend ends a connection in ways a pooled connection must notice: its FIN after an idle keep-alive timeout,
 * {@code Connection: close} on a response, an HTTP/2 connection ended without GOAWAY. The next request goes on a new
 * connection and succeeds; it never waits on a connection the backend is done with.
 */
@ExtendWith(NoLeaks.class)
@Timeout(60)
class UpstreamConnectionEndTest {

    @Test
    void aConnectionTheBackendClosedWhileIdleIsNotUsedAgain() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend(ScriptedBackend.Mode.CLOSE_WHEN_IDLE);
                WaypointHarness waypoint = new WaypointHarness(WaypointSettings.defaults())) {
            waypoint.update(new Mesh().service("app", backend.port()).config());
            Http1Client client = new Http1Client(waypoint.port());
            assertEquals(200, client.get("app", "/one").statusCode());
            backend.awaitClosed(1);
            assertEquals(200, client.get("app", "/two").statusCode());
            assertEquals(2, backend.connections());
        }
    }

    @Test
    void thePoolClosesAConnectionIdleForTheIdleTimeout() throws Exception {
        WaypointSettings defaults = WaypointSettings.defaults();
        UpstreamSettings upstream = defaults.upstream();
        WaypointSettings settings = new WaypointSettings(defaults.limits(),
                new UpstreamSettings(upstream.connectTimeout(), Duration.ofMillis(200), upstream.maxIdlePerEndpoint(),
                        upstream.http2StreamWindow(), upstream.maxResponseHeaderSize()),
                defaults.jwt(), defaults.accessLog(), defaults.random(), defaults.retryBackoff(), defaults.clock());
        try (ScriptedBackend backend = new ScriptedBackend(ScriptedBackend.Mode.KEEP_OPEN);
                WaypointHarness waypoint = new WaypointHarness(settings)) {
            waypoint.update(new Mesh().service("app", backend.port()).config());
            Http1Client client = new Http1Client(waypoint.port());
            assertEquals(200, client.get("app", "/one").statusCode());
            // The backend never ends the connection: only the waypoint's idle close can.
            backend.awaitClosed(1);
            assertEquals(1, backend.connections());
        }
    }

    @Test
    void aResponseWithConnectionCloseRetiresItsConnection() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend(ScriptedBackend.Mode.CONNECTION_CLOSE_THEN_LINGER);
                WaypointHarness waypoint = new WaypointHarness(WaypointSettings.defaults())) {
            waypoint.update(new Mesh().service("app", backend.port()).config());
            Http1Client client = new Http1Client(waypoint.port());
            assertEquals(200, client.get("app", "/one").statusCode());
            assertEquals(200, client.get("app", "/two").statusCode());
            assertEquals(2, backend.connections());
        }
    }

    @Test
    void anHttp2ConnectionEndedWithoutGoAwayIsNotUsedAgain() throws Exception {
        try (TestBackend backend = TestBackend.h2c("h2");
                WaypointHarness waypoint = new WaypointHarness(WaypointSettings.defaults())) {
            // After its answer the backend's side of the connection ends (a FIN, no GOAWAY), as a crashed or
            // killed backend's kernel would end it.
            CompletableFuture<Void> waypointClosed = new CompletableFuture<>();
            backend.afterAnswer(channel -> {
                channel.parent().closeFuture().addListener(closed -> waypointClosed.complete(null));
                ((DuplexChannel) channel.parent()).shutdownOutput();
            });
            waypoint.update(new Mesh().service("h2", Optional.of("http2"), backend.port()).config());
            Http1Client client = new Http1Client(waypoint.port());
            assertEquals(200, client.get("h2", "/one").statusCode());
            // The waypoint closes the connection on the FIN (a request racing the FIN may still be lost, as in any proxy).
            waypointClosed.get(5, TimeUnit.SECONDS);
            assertEquals(200, client.get("h2", "/two").statusCode());
            // Counted as requests arrive: a count kept in the answer's write listener can lag, since the client may
            // have the answer before that listener runs.
            assertEquals(2, backend.requests());
        }
    }

    /** An HTTP/1.1 backend on a plain socket that ends each connection after one answer, in one of two ways. */
    private static final class ScriptedBackend implements AutoCloseable {

        enum Mode {
            /**
             * Keep-alive answer, then a FIN once the connection sat idle 100 ms (a keep-alive timeout); the connection
             * ends when the waypoint closes its side in turn.
             */
            CLOSE_WHEN_IDLE,
            /** {@code Connection: close} answer, then the socket stays open, unread, for 2 s before the FIN. */
            CONNECTION_CLOSE_THEN_LINGER,
            /** Keep-alive answer, then the connection stays open until the waypoint ends it. */
            KEEP_OPEN
        }

        private final ServerSocket server = new ServerSocket();
        private final Mode mode;
        private final AtomicInteger accepted = new AtomicInteger();
        private final AtomicInteger closed = new AtomicInteger();
        private final Thread acceptor;

        ScriptedBackend(Mode mode) throws IOException {
            this.mode = mode;
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            acceptor = new Thread(this::acceptAll, "scripted-backend");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int connections() {
            return accepted.get();
        }

        /**
         * Waits until {@code count} connections ended; in {@link Mode#CLOSE_WHEN_IDLE} a connection ends when the
         * waypoint closes its side in answer to the backend's FIN, which shows the waypoint took the FIN in, and in
         * {@link Mode#KEEP_OPEN} when the waypoint closes it of its own accord.
         */
        void awaitClosed(int count) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            synchronized (closed) {
                while (closed.get() < count) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError(closed.get() + " connections ended, expected " + count);
                    }
                    TimeUnit.NANOSECONDS.timedWait(closed, left);
                }
            }
        }

        private void acceptAll() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    accepted.incrementAndGet();
                    Thread serve = new Thread(() -> serve(socket), "scripted-connection");
                    serve.setDaemon(true);
                    serve.start();
                } catch (IOException closing) {
                    return;
                }
            }
        }

        private void serve(Socket socket) {
            try (socket) {
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                readHead(in);
                String close = mode == Mode.CONNECTION_CLOSE_THEN_LINGER ? "Connection: close\r\n" : "";
                out.write(("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n" + close + "\r\nok")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (mode == Mode.CLOSE_WHEN_IDLE) {
                    socket.setSoTimeout(100);
                    try {
                        readHead(in);
                    } catch (SocketTimeoutException idle) {
                        // The keep-alive timeout: the connection ends here, with our FIN.
                    }
                    socket.shutdownOutput();
                    // The waypoint closes its side once it took the FIN in: its FIN ends this read.
                    socket.setSoTimeout(10_000);
                    while (in.read() >= 0) {
                        // Nothing more is expected.
                    }
                } else if (mode == Mode.KEEP_OPEN) {
                    // Ends when the waypoint closes the connection: its FIN ends this read.
                    socket.setSoTimeout(10_000);
                    while (in.read() >= 0) {
                        // Nothing more is expected.
                    }
                } else {
                    Thread.sleep(2_000);
                }
                ended();
            } catch (IOException | InterruptedException e) {
                // Not ended as scripted: awaitClosed times out.
            }
        }

        private void ended() {
            synchronized (closed) {
                closed.incrementAndGet();
                closed.notifyAll();
            }
        }

        /** Reads up to the blank line that ends a request head. */
        private static void readHead(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                head.write(b);
                if (head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                    return;
                }
            }
            throw new EOFException("connection ended before a request");
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
