package dev.ambit.ztunnel;

import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.ztunnel.testing.MapLookup;
import dev.ambit.runtime.testing.TestCa;
import dev.ambit.runtime.testing.Waits;
import dev.ambit.ztunnel.testing.Workloads;
import dev.ambit.runtime.transport.Transport;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(LeakDetectorExtension.class)
class ZtunnelLifecycleTest {

    @Test
    void aFailedStartReleasesWhatItOpened() throws Exception {
        TestCa ca = new TestCa();
        long threadsBefore = tunnelThreads();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(Workloads.loopback(1), 0));
            ZtunnelOptions conflicting = ZtunnelOptions.ephemeral("node-a", Workloads.loopback(1)).toBuilder()
                    .plaintextInbound((InetSocketAddress) taken.getLocalSocketAddress())
                    .build();
            assertThrows(RuntimeException.class, () -> Ztunnel.start(conflicting, Transport.best(), ca.client(),
                    ca.trustBundle(), new MapLookup(), new PrometheusRegistry(), Clock.systemUTC()));
        }
        Waits.until("event loops and the certificate thread to stop", Duration.ofSeconds(10),
                () -> tunnelThreads() <= threadsBefore);
    }

    /** The admin endpoint is a debugging aid: a port someone else holds leaves the tunnel up without it. */
    @Test
    void aTakenAdminPortLeavesTheTunnelRunningWithoutIt() throws Exception {
        TestCa ca = new TestCa();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            ZtunnelOptions options = ZtunnelOptions.ephemeral("node-a", Workloads.loopback(1)).toBuilder()
                    .admin(Optional.of((InetSocketAddress) taken.getLocalSocketAddress()))
                    .build();
            try (Ztunnel tunnel = Ztunnel.start(options, Transport.best(), ca.client(), ca.trustBundle(),
                    new MapLookup(), new PrometheusRegistry(), Clock.systemUTC())) {
                assertEquals(Optional.empty(), tunnel.adminAddress());
                assertTrue(tunnel.ready(), "the tunnel itself is up");
            }
        }
    }

    @Test
    void aPreparedTunnelTakesNoTrafficUntilItListens() throws Exception {
        TestCa ca = new TestCa();
        try (Ztunnel tunnel = Ztunnel.prepare(ZtunnelOptions.ephemeral("node-a", Workloads.loopback(1)),
                Transport.best(), ca.client(), ca.trustBundle(), new MapLookup(), new PrometheusRegistry(),
                Clock.systemUTC())) {
            assertThrows(IllegalStateException.class, tunnel::outboundAddress, "no traffic listener yet");
            assertFalse(tunnel.ready(), "not ready before it listens");
            assertEquals(0, tunnel.openConnections());

            tunnel.listen();

            assertTrue(tunnel.ready());
            try (Socket socket = new Socket()) {
                socket.connect(tunnel.outboundAddress(), 5_000);
            } catch (SocketException e) {
                // Accepted, then reset at once (no original destination for it): a listener is there. A loaded
                // host can deliver that reset before connect() returns; only a refusal would mean none.
                assertFalse(e instanceof ConnectException, e.toString());
            }
            assertThrows(IllegalStateException.class, tunnel::listen, "listening twice is a mistake");
        }
    }

    private static long tunnelThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && (thread.getName().startsWith("ambit-io")
                        || thread.getName().startsWith("ambit-cert-manager")))
                .count();
    }
}
