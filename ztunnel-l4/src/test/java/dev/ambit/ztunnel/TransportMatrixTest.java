package dev.ambit.ztunnel;

import dev.ambit.runtime.testing.AvailableTransports;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.Sockets;
import dev.ambit.runtime.testing.Streams;
import dev.ambit.ztunnel.testing.TwoNodeMesh;
import dev.ambit.runtime.transport.Transport;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every transport, as a tunnel runs it with and without the socket fast path (io_uring then reads into a buffer
 * ring), and the JDK's TLS instead of BoringSSL, carry a full-duplex transfer whose two directions end independently
 * (each side writes, then half-closes, while still reading the other).
 */
@ExtendWith(LeakDetectorExtension.class)
@Timeout(60)
class TransportMatrixTest {

    private static final long SIZE = 16L * 1024 * 1024;

    @ParameterizedTest(name = "{0} (fast path: {1}) with {2}")
    @CsvSource({"IO_URING, false, OPENSSL", "IO_URING, true, OPENSSL", "EPOLL, false, OPENSSL", "EPOLL, false, JDK",
            "NIO, false, JDK"})
    void fullDuplexTransferArrivesIntact(Transport.Kind kind, boolean socketFastPath, SslProvider tls)
            throws Exception {
        Transport transport = AvailableTransports.require(kind, socketFastPath);
        assumeTrue(tls == SslProvider.JDK || OpenSsl.isAvailable(), "BoringSSL unavailable here");
        try (TwoNodeMesh mesh = new TwoNodeMesh(TwoNodeMesh.DEFAULT_SETTINGS, transport, tls);
                ServerSocket pod = new ServerSocket()) {
            pod.bind(new InetSocketAddress(TwoNodeMesh.ECHO_POD, 0));
            mesh.lookup().put(TwoNodeMesh.CLIENT_POD, (InetSocketAddress) pod.getLocalSocketAddress());
            try (Socket client = mesh.connectFromClient(); Socket server = pod.accept()) {
                CompletableFuture<byte[]> up = sendThenHalfClose(client, 1);
                CompletableFuture<byte[]> down = sendThenHalfClose(server, 2);
                CompletableFuture<Streams.Received> atServer = CompletableFuture.supplyAsync(() -> readAll(server));
                Streams.Received atClient = readAll(client);
                assertEquals(SIZE, atClient.count(), "pod to client");
                assertArrayEquals(down.get(30, TimeUnit.SECONDS), atClient.digest());
                assertEquals(SIZE, atServer.get(30, TimeUnit.SECONDS).count(), "client to pod");
                assertArrayEquals(up.get(30, TimeUnit.SECONDS), atServer.get().digest());
            }
        }
    }

    @ParameterizedTest(name = "{0} (fast path: {1})")
    @CsvSource({"IO_URING, false", "IO_URING, true", "EPOLL, false", "NIO, false"})
    void aRequestSentWithItsEndBeforeTheStreamIsOpenArrivesWhole(Transport.Kind kind, boolean socketFastPath)
            throws Exception {
        Transport transport = AvailableTransports.require(kind, socketFastPath);
        try (TwoNodeMesh mesh = new TwoNodeMesh(TwoNodeMesh.DEFAULT_SETTINGS, transport, SslProvider.JDK)) {
            for (int i = 0; i < 5; i++) {
                try (Socket client = mesh.connectFromClient()) {
                    Sockets.assertEchoesRequestSentWithItsEnd(client, "request " + i);
                }
            }
        }
    }

    private static CompletableFuture<byte[]> sendThenHalfClose(Socket socket, long seed) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                byte[] digest = Streams.writeRandom(socket.getOutputStream(), SIZE, seed);
                socket.shutdownOutput();
                return digest;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static Streams.Received readAll(Socket socket) {
        try {
            return Streams.readAll(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
