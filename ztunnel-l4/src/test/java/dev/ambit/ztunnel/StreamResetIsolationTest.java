package dev.ambit.ztunnel;

import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.Sockets;
import dev.ambit.ztunnel.testing.TwoNodeMesh;
import dev.ambit.runtime.testing.Waits;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Issue #5: resets on some tunnelled connections must end only their own streams, never the pooled HBONE connection
 * their siblings share. A long-lived sibling trickles data through each test and must arrive intact, over the one
 * connection the pool started with (one event loop per tunnel, so every stream shares it).
 */
@ExtendWith(LeakDetectorExtension.class)
@Timeout(60)
class StreamResetIsolationTest {

    /** Bulk streams reset at once per round: with the sibling, well under the 100 streams of one connection. */
    private static final int BULK_STREAMS = 40;
    private static final int BULK_ROUNDS = 2;
    /** The bulk streams have moved this much before the reset: the connection is busy and DATA is on the wire. */
    private static final long BULK_WARM_UP_BYTES = 16L * 1024 * 1024;
    /** Resets each way in the second test: more than Netty's default budget of 200 per 30 s. */
    private static final int RESETS_EACH_WAY = 250;
    private static final int RESET_BATCH = 50;

    private static TwoNodeMesh mesh;
    private static ServerSocket pod;
    private ExecutorService threads;
    /** Every socket a test opened: closed after it, so that a failed test leaves no thread blocked on one. */
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws IOException {
        mesh = new TwoNodeMesh(1);
        pod = new ServerSocket();
        pod.bind(new InetSocketAddress(TwoNodeMesh.ECHO_POD, 0), 256);
        pod.setSoTimeout(10_000);
        mesh.lookup().put(TwoNodeMesh.CLIENT_POD, (InetSocketAddress) pod.getLocalSocketAddress());
    }

    @AfterAll
    static void stop() throws IOException {
        pod.close();
        mesh.close();
    }

    @BeforeEach
    void startThreads() {
        threads = Executors.newCachedThreadPool();
    }

    @AfterEach
    void stopThreads() throws InterruptedException, IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
        threads.shutdownNow();
        threads.awaitTermination(10, TimeUnit.SECONDS);
    }

    /**
     * The harness case (iperf3 -P 8): bulk streams are reset by their pods mid-transfer, so the far tunnel gets DATA
     * for streams it has already reset (the near tunnel sent it before the RST_STREAM arrived): thousands of frames.
     * They must be dropped rather than answered stream by stream, and their bytes returned to the connection window:
     * otherwise the second round, on the same connection, stalls.
     */
    @Test
    void podResetsMidTransferLeaveSiblingAndConnectionAlone() throws Exception {
        Sibling sibling = new Sibling();
        for (int round = 0; round < BULK_ROUNDS; round++) {
            List<Bulk> bulks = new ArrayList<>();
            for (int i = 0; i < BULK_STREAMS; i++) {
                bulks.add(new Bulk());
            }
            bulks.forEach(Bulk::start);
            Waits.until("bulk streams warmed up", Duration.ofSeconds(15),
                    () -> bulks.stream().mapToLong(bulk -> bulk.drained.get()).sum() >= BULK_WARM_UP_BYTES);
            for (Bulk bulk : bulks) {
                Sockets.reset(bulk.accepted);
            }
            for (Bulk bulk : bulks) {
                bulk.awaitWriterBroken();
            }
            sibling.assertAlive();
        }
        sibling.finishAndVerify();
        assertEquals(1, mesh.nodeA().pool().connectionCount(mesh.echoKey()), "pooled HBONE connections");
    }

    /**
     * Every reset of a tunnelled connection is one RST_STREAM: a busy pod pair resets hundreds in a burst, each way,
     * and the HBONE server must not take that for a reset flood.
     */
    @Test
    void hundredsOfResetsEachWayLeaveSiblingAndConnectionAlone() throws Exception {
        Sibling sibling = new Sibling();
        for (int done = 0; done < RESETS_EACH_WAY; done += RESET_BATCH) {
            resetBatch(true);
            resetBatch(false);
            sibling.assertAlive();
        }
        sibling.finishAndVerify();
        assertEquals(1, mesh.nodeA().pool().connectionCount(mesh.echoKey()), "pooled HBONE connections");
    }

    private Socket track(Socket socket) {
        sockets.add(socket);
        return socket;
    }

    /** Opens a batch of connections, each carrying a byte, and resets them all from the pod's or client's end. */
    private static void resetBatch(boolean byPod) throws IOException {
        List<Socket> clients = new ArrayList<>();
        List<Socket> accepted = new ArrayList<>();
        try {
            for (int i = 0; i < RESET_BATCH; i++) {
                Socket client = mesh.connectFromClient();
                clients.add(client);
                client.getOutputStream().write('x');
                Socket socket = pod.accept();
                accepted.add(socket);
                assertEquals('x', socket.getInputStream().read());
            }
            List<Socket> resetting = byPod ? accepted : clients;
            List<Socket> watching = byPod ? clients : accepted;
            for (Socket socket : resetting) {
                Sockets.reset(socket);
            }
            for (Socket socket : watching) {
                socket.setSoTimeout(10_000);
                assertThrows(SocketException.class, () -> socket.getInputStream().read(),
                        "reset by the " + (byPod ? "pod" : "client") + " reaches the other end");
            }
        } finally {
            for (Socket socket : clients) {
                socket.close();
            }
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    /**
     * A client writing as fast as it can to a pod that drains everything: keeps the HBONE connection busy so that
     * DATA for the stream is always in flight. Connected first, started with the others.
     */
    private final class Bulk {

        final Socket client;
        final Socket accepted;
        final AtomicLong drained = new AtomicLong();
        Future<?> writer;

        Bulk() throws IOException {
            client = track(mesh.connectFromClient());
            accepted = track(pod.accept());
        }

        void start() {
            writer = threads.submit(() -> {
                byte[] chunk = new byte[64 * 1024];
                try (OutputStream out = client.getOutputStream()) {
                    while (true) {
                        out.write(chunk);
                    }
                } catch (IOException expected) {
                    // the pod's reset arrived
                }
                return null;
            });
            threads.submit(() -> {
                byte[] chunk = new byte[64 * 1024];
                try (InputStream in = accepted.getInputStream()) {
                    for (int n; (n = in.read(chunk)) >= 0; ) {
                        drained.addAndGet(n);
                    }
                } catch (IOException expected) {
                    // closed by the reset
                }
                return null;
            });
        }

        void awaitWriterBroken() throws Exception {
            writer.get(10, TimeUnit.SECONDS);
            client.close();
        }
    }

    /**
     * A long-lived connection that trickles seeded random bytes to the pod; at the end the pod answers with the digest
     * of what it got, so the check covers both directions.
     */
    private final class Sibling {

        final Socket client = track(mesh.connectFromClient());
        final Socket accepted = track(pod.accept());
        final AtomicBoolean running = new AtomicBoolean(true);
        final CompletableFuture<byte[]> sent = new CompletableFuture<>();

        Sibling() throws IOException {
            threads.submit(() -> {
                MessageDigest digest = sha256();
                Random random = new Random(5);
                byte[] chunk = new byte[8 * 1024];
                try {
                    OutputStream out = client.getOutputStream();
                    while (running.get()) {
                        random.nextBytes(chunk);
                        out.write(chunk);
                        digest.update(chunk);
                        Thread.sleep(5);
                    }
                    client.shutdownOutput();
                    sent.complete(digest.digest());
                } catch (IOException | InterruptedException | RuntimeException e) {
                    sent.completeExceptionally(e);
                }
            });
            threads.submit(() -> {
                MessageDigest digest = sha256();
                byte[] chunk = new byte[8 * 1024];
                try (accepted) {
                    InputStream in = accepted.getInputStream();
                    for (int n; (n = in.read(chunk)) >= 0; ) {
                        digest.update(chunk, 0, n);
                    }
                    accepted.getOutputStream().write(digest.digest());
                }
                return null;
            });
        }

        void assertAlive() {
            if (sent.isCompletedExceptionally()) {
                sent.join();
            }
        }

        void finishAndVerify() throws Exception {
            running.set(false);
            byte[] digest = sent.get(10, TimeUnit.SECONDS);
            try (client) {
                client.setSoTimeout(10_000);
                assertArrayEquals(digest, client.getInputStream().readNBytes(digest.length),
                        "the pod got every byte the sibling sent");
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
