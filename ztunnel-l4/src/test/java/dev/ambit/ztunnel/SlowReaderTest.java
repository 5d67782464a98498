package dev.ambit.ztunnel;

import dev.ambit.runtime.hbone.HboneSettings;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.ztunnel.testing.TwoNodeMesh;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that writes as fast as it can to a pod that reads slowly: the tunnels stop reading from the client once
 * the HTTP/2 stream window is full, so what they buffer stays bounded by the window and the write water marks
 * instead of growing with what the client pushes.
 */
@ExtendWith(LeakDetectorExtension.class)
@Timeout(60)
class SlowReaderTest {

    private static final Logger log = LoggerFactory.getLogger(SlowReaderTest.class);

    private static final int MIB = 1024 * 1024;
    private static final int STREAM_WINDOW = MIB;
    /** Pod reads 16 KiB every 20 ms: about 800 KiB/s, thousands of times slower than the client can write. */
    private static final int POD_READ = 16 * 1024;
    private static final long POD_PAUSE_MILLIS = 20;
    private static final Duration RUN = Duration.ofSeconds(4);

    @Test
    void tunnelledBytesStayBoundedByTheWindow() throws Exception {
        HboneSettings settings = HboneSettings.defaults().withWindows(STREAM_WINDOW, 4 * STREAM_WINDOW);
        try (TwoNodeMesh mesh = new TwoNodeMesh(settings); ServerSocket pod = new ServerSocket()) {
            pod.bind(new InetSocketAddress(TwoNodeMesh.ECHO_POD, 0));
            // A tunnelled connection that never arrives must fail here, with its reason, not at the class timeout.
            pod.setSoTimeout(15_000);
            mesh.lookup().put(TwoNodeMesh.CLIENT_POD, (InetSocketAddress) pod.getLocalSocketAddress());
            long directBefore = liveDirectBytes();
            AtomicLong written = new AtomicLong();
            AtomicLong read = new AtomicLong();
            AtomicBoolean running = new AtomicBoolean(true);
            try (Socket client = mesh.connectFromClient(); Socket accepted = pod.accept()) {
                Thread writer = new Thread(() -> writeUntilStopped(client, written, running), "fast-writer");
                Thread reader = new Thread(() -> readSlowly(accepted, read, running), "slow-reader");
                writer.start();
                reader.start();
                long maxInFlight = 0;
                long maxDirect = 0;
                long inFlightHalfway = 0;
                long end = System.nanoTime() + RUN.toNanos();
                for (long now = System.nanoTime(); now < end; now = System.nanoTime()) {
                    Thread.sleep(100);
                    long inFlight = written.get() - read.get();
                    maxInFlight = Math.max(maxInFlight, inFlight);
                    maxDirect = Math.max(maxDirect, liveDirectBytes() - directBefore);
                    if (inFlightHalfway == 0 && end - now < RUN.toNanos() / 2) {
                        inFlightHalfway = inFlight;
                    }
                }
                long inFlightAtEnd = written.get() - read.get();
                running.set(false);
                log.info("event=slow_reader_measured written_bytes={} read_bytes={} max_in_flight_bytes={}"
                        + " in_flight_halfway_bytes={} in_flight_end_bytes={} max_live_direct_buffer_growth_bytes={}",
                        written.get(), read.get(), maxInFlight, inFlightHalfway, inFlightAtEnd, maxDirect);
                // Kernel socket buffers on four loopback hops hold most of what is in flight; the tunnels add at
                // most a stream window and the water marks on each side.
                assertTrue(maxInFlight < 48L * MIB, "in flight grew to " + maxInFlight);
                assertTrue(inFlightAtEnd - inFlightHalfway < 4L * MIB,
                        "in flight still growing: " + inFlightHalfway + " -> " + inFlightAtEnd);
                assertTrue(maxDirect <= 16L * MIB, "live pooled direct buffers grew by " + maxDirect);
                client.setSoLinger(true, 0);
                writer.interrupt();
            }
        }
    }

    /** Bytes in pooled direct buffers not yet released: what the tunnels hold right now. */
    private static long liveDirectBytes() {
        return PooledByteBufAllocator.DEFAULT.metric().directArenas().stream()
                .mapToLong(PoolArenaMetric::numActiveBytes)
                .sum();
    }

    private static void writeUntilStopped(Socket socket, AtomicLong written, AtomicBoolean running) {
        byte[] chunk = new byte[64 * 1024];
        try {
            OutputStream out = socket.getOutputStream();
            while (running.get()) {
                out.write(chunk);
                written.addAndGet(chunk.length);
            }
        } catch (IOException closed) {
            // the test is over
        }
    }

    private static void readSlowly(Socket socket, AtomicLong read, AtomicBoolean running) {
        byte[] chunk = new byte[POD_READ];
        try {
            InputStream in = socket.getInputStream();
            while (running.get()) {
                int n = in.read(chunk);
                if (n < 0) {
                    return;
                }
                read.addAndGet(n);
                Thread.sleep(POD_PAUSE_MILLIS);
            }
        } catch (IOException | InterruptedException closed) {
            // the test is over
        }
    }
}
