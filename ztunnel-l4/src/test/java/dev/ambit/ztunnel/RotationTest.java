package dev.ambit.ztunnel;

import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.Streams;
import dev.ambit.ztunnel.testing.TwoNodeMesh;
import dev.ambit.runtime.tls.WorkloadCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Certificates of both ends rotate while a long transfer runs: the transfer keeps the TLS connection it started on
 * and loses nothing; new connections get a new TLS connection with the new certificates.
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
