package dev.ambit.ztunnel;

import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.Sockets;
import dev.ambit.runtime.testing.Streams;
import dev.ambit.ztunnel.testing.TwoNodeMesh;
import dev.ambit.runtime.testing.Waits;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Client pod on node A to a pod on node B, through both tunnels over HBONE. */
@ExtendWith(LeakDetectorExtension.class)
@Timeout(120)
class TunnelTransferTest {

    private static final long HUNDRED_MIB = 100L * 1024 * 1024;

    private static TwoNodeMesh mesh;

    @BeforeAll
    static void start() {
        mesh = new TwoNodeMesh(2);
    }

    @AfterAll
    static void stop() {
        mesh.close();
    }

    @AfterEach
    void pointClientAtEcho() {
        mesh.lookup().put(TwoNodeMesh.CLIENT_POD, mesh.echoAddress());
    }

    @Test
    void hundredMebibytesArriveIntactBothWays() throws Exception {
        try (Socket socket = mesh.connectFromClient()) {
            CompletableFuture<byte[]> sent = CompletableFuture.supplyAsync(() -> {
                try {
                    byte[] digest = Streams.writeRandom(socket.getOutputStream(), HUNDRED_MIB, 42);
                    socket.shutdownOutput();
                    return digest;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            Streams.Received echoed = Streams.readAll(socket.getInputStream());
            assertEquals(HUNDRED_MIB, echoed.count());
            assertArrayEquals(sent.get(), echoed.digest());
        }
    }

    @Test
    void finPropagatesEachWayIndependently() throws Exception {
        try (ServerSocket pod = podListener(); Socket client = mesh.connectFromClient();
                Socket accepted = pod.accept()) {
            // Server to client: the pod says goodbye and ends its output, but keeps reading.
            accepted.getOutputStream().write("bye".getBytes(StandardCharsets.US_ASCII));
            accepted.shutdownOutput();
            assertEquals("bye", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
            // Client to server, on the half that is still open, then the client's own end.
            client.getOutputStream().write("late".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            assertEquals("late", new String(accepted.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }
    }

    /** A pod that greets and ends its output the moment it accepts: its side, too, may end before any read. */
    @RepeatedTest(5)
    void aGreetingAndFinSentOnAcceptBothArrive() throws Exception {
        try (ServerSocket pod = podListener()) {
            CompletableFuture<Void> greeter = CompletableFuture.runAsync(() -> {
                try (Socket accepted = pod.accept()) {
                    accepted.getOutputStream().write("220 hello".getBytes(StandardCharsets.US_ASCII));
                    accepted.shutdownOutput();
                    accepted.getInputStream().readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            try (Socket client = mesh.connectFromClient()) {
                client.setSoTimeout(5_000);
                assertEquals("220 hello", new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
                client.shutdownOutput();
                greeter.get(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void resetPropagatesFromClientToServer() throws Exception {
        try (ServerSocket pod = podListener(); Socket client = mesh.connectFromClient();
                Socket accepted = pod.accept()) {
            client.getOutputStream().write('x');
            assertEquals('x', accepted.getInputStream().read());
            Sockets.reset(client);
            assertThrows(SocketException.class, () -> accepted.getInputStream().read());
        }
    }

    @Test
    void resetPropagatesFromServerToClient() throws Exception {
        try (ServerSocket pod = podListener(); Socket client = mesh.connectFromClient();
                Socket accepted = pod.accept()) {
            accepted.getOutputStream().write('x');
            assertEquals('x', client.getInputStream().read());
            Sockets.reset(accepted);
            assertThrows(SocketException.class, () -> client.getInputStream().read());
        }
    }

    /**
     * A client that writes its request and half-closes at once may do both before the tunnel has its stream to the
     * destination: Netty reads them early even with autoRead off, and both must still arrive once the stream is there.
     */
    @RepeatedTest(20)
    void aRequestAndItsFinSentBeforeTheStreamIsOpenBothArrive() throws Exception {
        try (Socket socket = mesh.connectFromClient()) {
            Sockets.assertEchoesRequestSentWithItsEnd(socket, "early request");
        }
        Waits.until("the tunnel to close the connection", Duration.ofSeconds(5),
                () -> mesh.nodeA().openConnections() == 0);
    }

    @Test
    void thousandConcurrentConnectionsShareAFewTlsConnections() throws Exception {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 1000; i++) {
                Socket socket = mesh.connectFromClient();
                sockets.add(socket);
                socket.getOutputStream().write(Integer.toString(i % 10).getBytes(StandardCharsets.US_ASCII));
            }
            for (int i = 0; i < sockets.size(); i++) {
                assertEquals('0' + i % 10, sockets.get(i).getInputStream().read(), "echo on connection " + i);
            }
            // All 1000 streams are open at once, 500 on each of the tunnel's two loops; 100 streams per connection
            // make five connections per loop.
            int connections = mesh.nodeA().pool().connectionCount(mesh.echoKey());
            assertTrue(connections >= 10 && connections <= 12, connections + " TLS connections");
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    private static ServerSocket podListener() throws IOException {
        ServerSocket pod = new ServerSocket();
        pod.bind(new InetSocketAddress(TwoNodeMesh.ECHO_POD, 0));
        pod.setSoTimeout(10_000);
        mesh.lookup().put(TwoNodeMesh.CLIENT_POD, (InetSocketAddress) pod.getLocalSocketAddress());
        return pod;
    }
}
