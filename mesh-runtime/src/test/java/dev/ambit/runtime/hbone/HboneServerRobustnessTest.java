package dev.ambit.runtime.hbone;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.transport.FailureReason;
import dev.ambit.runtime.testing.HboneFixture;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.TestCa;
import dev.ambit.runtime.testing.Waits;
import dev.ambit.runtime.tls.ServerNames;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What is not an HBONE client is closed by the server within a bounded time (handshake timeout 1 s here) and counted;
 * the leak detector, at PARANOID, checks that no buffer outlives it.
 */
@ExtendWith(LeakDetectorExtension.class)
class HboneServerRobustnessTest {

    /** Handshake timeout plus generous slack for a loaded machine. */
    private static final Duration CLOSED_WITHIN = Duration.ofSeconds(8);

    private static final TestCa CA = new TestCa();
    private static HboneFixture fixture;

    @BeforeAll
    static void start() {
        fixture = new HboneFixture(CA, CA.issue(TestCa.identity("demo", "echo"), Duration.ofHours(1)));
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void garbageIsClosed() throws IOException {
        byte[] garbage = new byte[4096];
        new Random(7).nextBytes(garbage);
        garbage[0] = 0x42;
        assertClosedAfterSending(garbage, FailureReason.NOT_TLS);
    }

    @Test
    void plainHttpIsClosed() throws IOException {
        assertClosedAfterSending("GET / HTTP/1.1\r\nHost: tunnel\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                FailureReason.NOT_TLS);
    }

    @Test
    void silentClientIsClosedAtTheHandshakeTimeout() throws IOException {
        assertClosedAfterSending(new byte[0], FailureReason.HANDSHAKE_TIMEOUT);
    }

    @Test
    void clientStalledInsideItsHelloIsClosedAtTheHandshakeTimeout() throws IOException {
        // A TLS record header announcing 512 bytes of handshake, and then nothing.
        assertClosedAfterSending(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01}, FailureReason.HANDSHAKE_TIMEOUT);
    }

    @Test
    void tlsClientWithoutCertificateIsClosed() throws Exception {
        long before = fixture.serverMetrics().failures(FailureReason.TLS_HANDSHAKE);
        SSLContext tls = SSLContext.getInstance("TLSv1.3");
        tls.init(null, new TrustManager[] {new TrustEverything()}, null);
        long start = System.nanoTime();
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(
                fixture.address().getAddress(), fixture.address().getPort())) {
            socket.setSoTimeout((int) CLOSED_WITHIN.toMillis());
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(ServerNames.of(TestCa.identity("demo", "echo")))));
            parameters.setApplicationProtocols(new String[] {"h2"});
            socket.setSSLParameters(parameters);
            // TLS 1.3 lets the client finish before the server judges its (missing) certificate: the refusal
            // arrives as an alert or a close on the first read.
            try {
                socket.startHandshake();
                assertEquals(-1, socket.getInputStream().read());
            } catch (SSLException | SocketException expected) {
                // refused
            }
        }
        assertWithin(start);
        Waits.until("handshake failure counted", CLOSED_WITHIN,
                () -> fixture.serverMetrics().failures(FailureReason.TLS_HANDSHAKE) == before + 1);
    }

    /**
     * A client that ends its output without GOAWAY (a killed process, a keepalive that gave up) has ended the
     * connection: HTTP/2 has no half-closed connection, so the server closes it and its streams rather than keep
     * them, and the upstream connections behind them, until the graceful-shutdown timeout.
     */
    @Test
    void clientThatEndsItsOutputIsClosedWithItsStreams() throws Exception {
        SpiffeId client = TestCa.identity("demo", "client");
        Http2StreamChannel stream = fixture.connect(fixture.client(CA.issue(client, Duration.ofHours(1))), client,
                TestCa.identity("demo", "echo")).get(10, TimeUnit.SECONDS);
        Waits.until("server connection", CLOSED_WITHIN, () -> fixture.serverConnections() == 1);
        ((DuplexChannel) stream.parent()).shutdownOutput().sync();
        Waits.until("server connection closed", CLOSED_WITHIN, () -> fixture.serverConnections() == 0);
        assertTrue(stream.closeFuture().await(CLOSED_WITHIN.toMillis()), "the client's stream is still open");
    }

    private static void assertClosedAfterSending(byte[] bytes, FailureReason reason) throws IOException {
        long before = fixture.serverMetrics().failures(reason);
        long start = System.nanoTime();
        try (Socket socket = new Socket(fixture.address().getAddress(), fixture.address().getPort())) {
            socket.setSoTimeout((int) CLOSED_WITHIN.toMillis());
            socket.getOutputStream().write(bytes);
            assertClosed(socket.getInputStream());
        }
        assertWithin(start);
        Waits.until(reason.label() + " counted", CLOSED_WITHIN,
                () -> fixture.serverMetrics().failures(reason) == before + 1);
    }

    /** End of stream or a reset; a read timeout fails the test. */
    private static void assertClosed(InputStream in) throws IOException {
        try {
            while (in.read() >= 0) {
                // An alert may come first.
            }
        } catch (SocketException reset) {
            // closed with a reset
        } catch (SocketTimeoutException e) {
            fail("server did not close the connection within " + CLOSED_WITHIN);
        }
    }

    private static void assertWithin(long startNanos) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        assertTrue(elapsed.compareTo(CLOSED_WITHIN) < 0, "closed after " + elapsed);
    }

    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
