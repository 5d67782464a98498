package dev.ambit.ztunnel;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.hbone.HboneKey;
import dev.ambit.runtime.hbone.HbonePool;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.Sockets;
import dev.ambit.runtime.testing.StaticTlsContexts;
import dev.ambit.runtime.testing.Streams;
import dev.ambit.runtime.testing.Waits;
import dev.ambit.runtime.tls.TlsContextFactory;
import dev.ambit.runtime.transport.Transport;
import dev.ambit.ztunnel.testing.TwoNodeMesh;
import dev.ambit.runtime.tls.WorkloadCertificate;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Certificates of both ends rotate, forced while a long transfer runs or by their half-life timers: the connections
 * open keep the TLS connections they started on and lose nothing; new connections get a new TLS connection with the
 * new certificates.
 */
@ExtendWith(LeakDetectorExtension.class)
@Timeout(120)
class RotationTest {

    private static final long SIZE = 64L * 1024 * 1024;
    private static final long ROTATE_AT = 16L * 1024 * 1024;

    @Test
    void rotationInTheMiddleOfATransferDropsNothing() throws Exception {
        try (TwoNodeMesh mesh = new TwoNodeMesh(); Socket socket = mesh.connectFromClient()) {
            WorkloadCertificate clientBefore = certificate(mesh.nodeA(), mesh);
            CompletableFuture<byte[]> sent = CompletableFuture.supplyAsync(() -> {
                try {
                    byte[] digest = Streams.writeRandom(socket.getOutputStream(), SIZE, 7);
                    socket.shutdownOutput();
                    return digest;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            MessageDigest received = MessageDigest.getInstance("SHA-256");
            InputStream in = socket.getInputStream();
            byte[] chunk = new byte[64 * 1024];
            long count = 0;
            boolean rotated = false;
            for (int n; (n = in.read(chunk)) >= 0; ) {
                received.update(chunk, 0, n);
                count += n;
                if (!rotated && count >= ROTATE_AT) {
                    rotated = true;
                    rotateBothEnds(mesh);
                    assertEquals(2, mesh.nodeA().pool().connectionCount(mesh.echoKey()),
                            "a new connection uses a new TLS connection while the old one carries the transfer");
                }
            }
            assertEquals(SIZE, count);
            assertArrayEquals(sent.get(30, TimeUnit.SECONDS), received.digest());
            assertNotEquals(clientBefore.serial(), certificate(mesh.nodeA(), mesh).serial());
        }
    }

    /**
     * Nothing forces this rotation: certificates issued with 10 s left are renewed by the half-life timers, new
     * connections get a new TLS connection with the new certificates (node B presents its new one), and a tunnelled
     * connection opened before goes on over its old TLS connection, past the old certificates' expiry.
     */
    @Test
    void theHalfLifeTimerRotatesByItselfAndOpenConnectionsStay() throws Exception {
        Duration lifetime = Duration.ofSeconds(10);
        try (TwoNodeMesh mesh = TwoNodeMesh.withShortLivedCertificates(lifetime);
                Socket open = mesh.connectFromClient()) {
            SpiffeId client = mesh.clientWorkload().identity();
            SpiffeId echo = mesh.echoWorkload().identity();
            WorkloadCertificate clientFirst = mesh.nodeA().certificates().certificate(client).orElseThrow();
            WorkloadCertificate echoFirst = mesh.nodeB().certificates().certificate(echo).orElseThrow();
            assertTrue(clientFirst.notAfter().isBefore(Instant.now().plus(lifetime)), clientFirst.toString());
            assertTrue(echoFirst.notAfter().isBefore(Instant.now().plus(lifetime)), echoFirst.toString());
            Sockets.assertEchoes(open, "before");
            assertEquals(1, mesh.nodeA().pool().connectionCount(mesh.echoKey()));

            // From here the CA issues day-long certificates: the renewals awaited are the last ones of the test.
            mesh.ca().clock().reset();
            Waits.until("both tunnels to renew by themselves", Duration.ofSeconds(30),
                    () -> longLived(mesh.nodeA(), client) && longLived(mesh.nodeB(), echo));
            WorkloadCertificate clientNow = mesh.nodeA().certificates().certificate(client).orElseThrow();
            WorkloadCertificate echoNow = mesh.nodeB().certificates().certificate(echo).orElseThrow();
            assertNotEquals(clientFirst.serial(), clientNow.serial());
            assertNotEquals(echoFirst.serial(), echoNow.serial());

            Waits.until("the first certificates to expire", lifetime.multipliedBy(2),
                    () -> Instant.now().isAfter(clientFirst.notAfter()) && Instant.now().isAfter(echoFirst.notAfter()));
            Sockets.assertEchoes(open, "after the certificates it started with expired");
            try (Socket fresh = mesh.connectFromClient()) {
                Sockets.assertEchoes(fresh, "new");
            }
            assertEquals(2, mesh.nodeA().pool().connectionCount(mesh.echoKey()),
                    "one event loop: the new connection is a new TLS connection, made with the new certificate");
            assertEquals(echoNow.serial(), servedTo(mesh, mesh.ca().issue(client, Duration.ofHours(1))),
                    "node B presents its new certificate");
            Sockets.assertEchoes(open, "still");
        }
    }

    private static boolean longLived(Ztunnel tunnel, SpiffeId identity) {
        return tunnel.certificates().certificate(identity)
                .filter(certificate -> certificate.notAfter().isAfter(Instant.now().plus(Duration.ofHours(1))))
                .isPresent();
    }

    /** The serial of the certificate node B presents to a new HBONE connection presenting {@code certificate}. */
    private static String servedTo(TwoNodeMesh mesh, WorkloadCertificate certificate) throws Exception {
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newEventLoopGroup(1, "rotation-test-client");
        try (HbonePool pool = new HbonePool(transport, new StaticTlsContexts(
                new TlsContextFactory(mesh.ca().trustBundle(), Clock.systemUTC()), certificate),
                TwoNodeMesh.DEFAULT_SETTINGS)) {
            Http2StreamChannel stream = pool.connect(new HboneKey(certificate.identity(), mesh.nodeB().hboneAddress(),
                    mesh.echoWorkload().identity()), mesh.echoAddress(), group.next()).get(10, TimeUnit.SECONDS);
            X509Certificate served = (X509Certificate) stream.parent().pipeline().get(SslHandler.class).engine()
                    .getSession().getPeerCertificates()[0];
            stream.close().sync();
            pool.closeConnections().sync();
            return served.getSerialNumber().toString(16);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Rotates both identities, then proves a fresh connection works with the new certificates. */
    private static void rotateBothEnds(TwoNodeMesh mesh) throws Exception {
        mesh.nodeA().certificates().rotate(mesh.clientWorkload().identity()).get(10, TimeUnit.SECONDS);
        mesh.nodeB().certificates().rotate(mesh.echoWorkload().identity()).get(10, TimeUnit.SECONDS);
        try (Socket fresh = mesh.connectFromClient()) {
            fresh.getOutputStream().write("new".getBytes(StandardCharsets.US_ASCII));
            assertEquals("new", new String(fresh.getInputStream().readNBytes(3), StandardCharsets.US_ASCII));
        }
    }

    private static WorkloadCertificate certificate(Ztunnel tunnel, TwoNodeMesh mesh) {
        return tunnel.certificates().certificate(mesh.clientWorkload().identity()).orElseThrow();
    }
}
