package dev.ambit.nodeagent.redirect;

import static dev.ambit.nodeagent.testing.TestPod.SERVICE_VIP4;
import static dev.ambit.nodeagent.testing.TestPod.SERVICE_VIP6;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.nodeagent.NodeAgentMain;
import dev.ambit.host.bpf.BpfMap;
import dev.ambit.host.bpf.LibbpfException;
import dev.ambit.host.Cgroup2;
import dev.ambit.nodeagent.metrics.BpfMetrics;
import dev.ambit.nodeagent.testing.AttachedPrograms;
import dev.ambit.nodeagent.testing.Probe;
import dev.ambit.nodeagent.testing.RequiresPrivileges;
import dev.ambit.nodeagent.testing.TestNode;
import dev.ambit.nodeagent.testing.TestPod;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Steering on the real kernel: pods are network namespaces with their own cgroups, the tunnel is a
 * listener on the node address, service VIPs do not exist anywhere.
 */
@RequiresPrivileges
class SteeringTest {

    private static final SpiffeId CART = SpiffeId.of("cluster.local", "shop", "cart");

    private TestNode node;
    private TestPod pod;
    private Probe tunnel4;
    private Probe tunnel6;
    private InetSocketAddress tunnel4Address;
    private InetSocketAddress tunnel6Address;

    @BeforeEach
    void createNodeWithPodAndTunnel() {
        node = TestNode.create();
        pod = node.addPod();
        tunnel4 = track(node.probe("serve", TestNode.tunnelIpv4(), "0"));
        tunnel6 = track(node.probe("serve", TestNode.tunnelIpv6(), "0"));
        tunnel4Address = new InetSocketAddress(TestNode.tunnelIpv4(), Integer.parseInt(tunnel4.await("LISTENING")[1]));
        tunnel6Address = new InetSocketAddress(TestNode.tunnelIpv6(), Integer.parseInt(tunnel6.await("LISTENING")[1]));
    }

    @AfterEach
    void removeEverything() {
        node.close();
    }

    @Test
    void enrolledPodsIpv4ConnectionToAServiceVipReachesTheTunnelWhichFindsTheOriginalDestination() {
        BpfRedirector redirector = start(false);
        redirector.enroller().enroll(pod.cgroup(), pod.addresses(), CART, PodMode.PERMISSIVE);

        InetSocketAddress peer = assertSteered(pod, SERVICE_VIP4, tunnel4, redirector);

        awaitForgotten(redirector, peer);
        PrometheusRegistry registry = new PrometheusRegistry();
        try (PinnedSteeringView tunnelSide = PinnedSteeringView.follow(node.pinRoot(), Duration.ofSeconds(1))) {
            BpfMetrics.register(registry, tunnelSide);
            assertEquals(1.0, metric(registry, "ambit_bpf_enrolled_pods"));
            assertEquals(1.0, metric(registry, "ambit_bpf_redirects"));
            assertEquals(0.0, metric(registry, "ambit_bpf_drops"));
        }
    }

    @Test
    void enrolledPodsIpv6ConnectionIsSteeredAndFoundThroughThePinnedMap() {
        BpfRedirector redirector = start(false);
        redirector.enroller().enroll(pod.cgroup(), pod.addresses(), CART, PodMode.PERMISSIVE);

        try (Probe client = pod.probe("connect", SERVICE_VIP6, "80");
             OriginalDestinationMap tunnelSideLookup = OriginalDestinationMap.openPinned(node.pinRoot())) {
            String[] connected = client.await("CONNECTED");
            String[] accepted = tunnel6.await("ACCEPT");
            InetSocketAddress peer = new InetSocketAddress(accepted[1], Integer.parseInt(accepted[2]));
            assertEquals(new InetSocketAddress(pod.ipv6(), Integer.parseInt(connected[2])), peer);
            assertEquals(List.of(SERVICE_VIP6, "80"), List.of(accepted[3], accepted[4]), "SO_ORIGINAL_DST (IPv6)");
            assertEquals(Optional.of(new InetSocketAddress(SERVICE_VIP6, 80)), tunnelSideLookup.lookup(peer));
            assertEquals("echo:ping", client.await("REPLY")[1]);
        }
    }

    @Test
    void aDualStackSocketReachingAnIpv4VipIsSteeredToTheIpv4Tunnel() {
        BpfRedirector redirector = start(false);
        redirector.enroller().enroll(pod.cgroup(), pod.addresses(), CART, PodMode.PERMISSIVE);

        assertSteered(pod, "::ffff:" + SERVICE_VIP4, tunnel4, redirector);
    }

    @Test
    void aPodThatIsNotEnrolledIsNeverSteered() {
        BpfRedirector redirector = start(false);
        redirector.enroller().enroll(pod.cgroup(), pod.addresses(), CART, PodMode.PERMISSIVE);
        TestPod outsider = node.addPod();
        Probe direct = track(node.probe("serve", TestNode.tunnelIpv4(), "0"));
        String directPort = direct.await("LISTENING")[1];

        try (Probe toVip = outsider.probe("connect", SERVICE_VIP4, "80");
             Probe toServer = outsider.probe("connect", TestNode.tunnelIpv4(), directPort)) {
            toVip.await("FAILED");
            toServer.await("CONNECTED");
            String[] accepted = direct.await("ACCEPT");
            assertEquals(outsider.ipv4(), accepted[1]);
            assertEquals(List.of("-", "-"), List.of(accepted[3], accepted[4]), "no SO_ORIGINAL_DST for a direct connection");
            assertEquals(Optional.empty(), redirector.originalDestinations().lookup(
                    new InetSocketAddress(accepted[1], Integer.parseInt(accepted[2]))));
        }
        assertEquals(0, redirector.counters().redirects());
    }

    @Test
    void theTunnelsOwnConnectionsAndConnectionsToTheTunnelAreNeverRedirected() {
        BpfRedirector redirector = start(false);
        redirector.enroller().enroll(pod.cgroup(), pod.addresses(), CART, PodMode.PERMISSIVE);
        Probe podServer = track(pod.probe("serve", pod.ipv4(), "8080"));
        podServer.await("LISTENING");

        try (Probe tunnelOutbound = node.probe("connect", pod.ipv4(), "8080", TestNode.tunnelIpv4());
             Probe podToTunnel = pod.probe("connect", TestNode.tunnelIpv4(), String.valueOf(tunnel4Address.getPort()))) {
            tunnelOutbound.await("CONNECTED");
            assertEquals(TestNode.tunnelIpv4(), podServer.await("ACCEPT")[1], "the tunnel reached the pod itself");
            podToTunnel.await("CONNECTED");
            String[] accepted = tunnel4.await("ACCEPT");
            assertEquals(List.of("-", "-"), List.of(accepted[3], accepted[4]), "already going to the tunnel: not recorded");
        }
        assertEquals(0, redirector.counters().redirects());
    }

    @Test
    void afterUnenrollTheConnectionGoesDirectlyAgain() {
        BpfRedirector redirector = start(false);
        redirector.enroller().enroll(pod.cgroup(), pod.addresses(), CART, PodMode.PERMISSIVE);
        assertSteered(pod, SERVICE_VIP4, tunnel4, redirector);

        assertTrue(redirector.enroller().unenroll(pod.cgroup()));

        assertEquals(List.of(), redirector.enroller().enrolledPods());
        try (Probe client = pod.probe("connect", SERVICE_VIP4, "80")) {
            client.await("FAILED");
        }
    }

    @Test
    void aRestartedAgentAdoptsThePinnedSteeringAndKeepsEnrollments() {
        TestPod gone = node.addPod();
        try (BpfRedirector first = BpfRedirector.start(node.config(tunnel4Address, tunnel6Address, false))) {
            first.enroller().enroll(pod.cgroup(), pod.addresses(), CART, PodMode.STRICT);
            first.enroller().enroll(gone.cgroup(), gone.addresses(), SpiffeId.of("cluster.local", "shop", "gone"), PodMode.PERMISSIVE);
        }
        assertSteered(pod, SERVICE_VIP4, tunnel4, null);
        gone.close();

        BpfRedirector second = start(false);

        EnrolledPod kept = new EnrolledPod(Cgroup2.id(pod.cgroup()), pod.addresses(), CART, PodMode.STRICT);
        assertEquals(List.of(kept), second.enroller().enrolledPods(), "kept the pod, forgot the one whose cgroup is gone");
        assertEquals(Optional.of(kept), second.enroller().podWithAddress(pod.addresses().get(0)));
        assertSteered(pod, SERVICE_VIP4, tunnel4, second);
    }

    @Test
    void uninstallLeavesNothingInBpffsOrOnTheCgroups() {
        Set<Integer> rootProgramsBefore = AttachedPrograms.on(node.cgroupRoot());
        try (BpfRedirector redirector = start(false)) {
            redirector.enroller().enroll(pod.cgroup(), pod.addresses(), CART, PodMode.STRICT);
            assertFalse(AttachedPrograms.on(node.podsCgroup()).isEmpty());
        }

        int exit = NodeAgentMain.commandLine().execute("uninstall", "--pin-root", node.pinRoot().toString());

        assertEquals(0, exit);
        assertFalse(Files.exists(node.pinRoot()));
        assertEquals(Set.of(), AttachedPrograms.on(node.podsCgroup()));
        assertEquals(rootProgramsBefore, AttachedPrograms.on(node.cgroupRoot()));
        try (Probe client = pod.probe("connect", SERVICE_VIP4, "80")) {
            client.await("FAILED");
        }
    }

    @Test
    void strictPodDropsPlaintextFromOtherSourcesAndAcceptsTheTunnel() {
        BpfRedirector redirector = start(false);
        redirector.enroller().enroll(pod.cgroup(), pod.addresses(), CART, PodMode.STRICT);
        Probe podServer = track(pod.probe("serve", pod.ipv4(), "8080"));
        podServer.await("LISTENING");

        try (Probe plaintext = node.probe("connect", pod.ipv4(), "8080", pod.nonTunnelHostIpv4())) {
            plaintext.await("FAILED");
        }
        try (Probe fromTunnel = node.probe("connect", pod.ipv4(), "8080", TestNode.tunnelIpv4())) {
            fromTunnel.await("CONNECTED");
            assertEquals("echo:ping", fromTunnel.await("REPLY")[1]);
            fromTunnel.finish();
        }
        podServer.await("ACCEPT");
        podServer.await("CLOSED");
        long dropped = redirector.counters().strictDrops();
        assertTrue(dropped >= 1);
        assertEquals(List.of(List.of(pod.nonTunnelHostIpv4(), pod.ipv4())), redirector.strictDrops().stream()
                .map(flow -> List.of(flow.source().getHostAddress(), flow.destination().getHostAddress())).toList(),
                "the drops are kept by source and destination, and none from the tunnel");
        assertEquals(dropped, redirector.strictDrops().get(0).dropped(), "every SYN dropped (retransmits too)");

        redirector.enroller().enroll(pod.cgroup(), pod.addresses(), CART, PodMode.PERMISSIVE);
        try (Probe plaintext = node.probe("connect", pod.ipv4(), "8080", pod.nonTunnelHostIpv4())) {
            plaintext.await("CONNECTED");
            assertEquals("echo:ping", plaintext.await("REPLY")[1], "PERMISSIVE accepts plaintext");
        }
    }

    @Test
    void withTheSocketFastPathDataFlowsBetweenPodAndTunnel() {
        BpfRedirector redirector = start(true);
        redirector.enroller().enroll(pod.cgroup(), pod.addresses(), CART, PodMode.PERMISSIVE);

        try (Probe client = pod.probe("connect", SERVICE_VIP4, "80");
             BpfMap pairs = BpfMap.openPinned(node.pinRoot().resolve("maps").resolve(Steering.SOCKET_PAIRS_MAP))) {
            client.await("CONNECTED");
            tunnel4.await("ACCEPT");
            assertEquals("echo:ping", client.await("REPLY")[1]);
            assertEquals(2, pairs.keys().size(), "the pod's and the tunnel's socket are in the sockhash");
        }
    }

    /** The fast path's reason to exist: a pod's data reaches the tunnel without crossing its link. */
    @Test
    void theSocketFastPathCarriesDataOutsideTheTcpStack() {
        int size = 256 * 1024;
        try (Probe sink = sinkBehindTheFastPath("0")) {
            try (Probe client = pod.probe("send", SERVICE_VIP4, "80", String.valueOf(size), "0")) {
                client.await("CONNECTED");
                sink.await("ACCEPT");
                long before = pod.bytesSentOverLink();
                client.release();
                client.await("PROGRESS");
                String[] sent = client.await("SENT");
                String[] received = sink.await("RECEIVED");
                assertEquals(sent[1] + " " + sent[2], received[1] + " " + received[2], "bytes and digest");
                long overLink = pod.bytesSentOverLink() - before;
                // Without the fast path all 256 KiB cross the link; with it, only the FIN and ACKs do.
                assertTrue(overLink < 16 * 1024, overLink + " bytes crossed the pod's link");
            }
        }
    }

    /**
     * Redirected data has no flow control in the kernel, so a socket leaves the fast path after its first MiB: a
     * bulk sender facing a reader that has stopped must block on TCP's window (not queue without bound and fail
     * with ENOMEM), and every byte must arrive in order across the switch.
     */
    @Test
    void aBulkTransferOnTheSocketFastPathKeepsFlowControlAndOrder() {
        int size = 32 * 1024 * 1024;
        try (Probe sink = sinkBehindTheFastPath("3")) {
            try (Probe client = pod.probe("send", SERVICE_VIP4, "80", String.valueOf(size), "2")) {
                client.await("CONNECTED");
                sink.await("ACCEPT");
                client.release();
                long whileReaderStopped = Long.parseLong(client.await("PROGRESS")[1]);
                // At most the fast path's MiB plus the two sockets' buffers (tcp_wmem and tcp_rmem maxima).
                assertTrue(whileReaderStopped < 16L * 1024 * 1024,
                        whileReaderStopped + " bytes accepted while the reader had stopped: no backpressure");
                String[] sent = client.await("SENT");
                String[] received = sink.await("RECEIVED");
                assertEquals(String.valueOf(size), sent[1]);
                assertEquals(sent[1] + " " + sent[2], received[1] + " " + received[2], "bytes and digest");
            }
        }
    }

    @Test
    void aCorruptObjectFailsClearlyAndLeavesNothing() {
        LibbpfException failure = assertThrows(LibbpfException.class, () -> BpfRedirector.start(
                node.config(tunnel4Address, tunnel6Address, false), "not an ELF object".getBytes(StandardCharsets.UTF_8)));

        assertEquals("bpf_object__open_mem", failure.call());
        assertTrue(failure.getMessage().startsWith("bpf_object__open_mem failed: "), failure.getMessage());
        assertTrue(failure.getMessage().contains("is not a proper ELF object"), "carries libbpf's reason: " + failure.getMessage());
        assertFalse(Files.exists(node.pinRoot()));
        assertEquals(Set.of(), AttachedPrograms.on(node.podsCgroup()));
    }

    @Test
    void aMissingCgroupFailsClearlyAndLeavesNothing() {
        Path missing = node.podsCgroup().resolve("missing");
        RedirectorConfig config = node.config(tunnel4Address, tunnel6Address, false);
        RedirectorConfig toMissing = new RedirectorConfig(config.pinRoot(), missing, config.tunnelCgroup(),
                config.tunnel4(), config.tunnel6(), false);

        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, () -> BpfRedirector.start(toMissing));

        assertEquals("cgroup " + missing + " does not exist", failure.getMessage());
        assertFalse(Files.exists(node.pinRoot()));
        assertEquals(Set.of(), AttachedPrograms.on(node.podsCgroup()));
    }

    /**
     * Connects {@code from} the pod to {@code vip}:80 and checks that the tunnel got it, with the
     * original destination from SO_ORIGINAL_DST and, when an agent runs, from the lookup.
     */
    private static InetSocketAddress assertSteered(TestPod from, String vip, Probe tunnel, BpfRedirector redirector) {
        try (Probe client = from.probe("connect", vip, "80")) {
            String[] connected = client.await("CONNECTED");
            String[] accepted = tunnel.await("ACCEPT");
            InetSocketAddress peer = new InetSocketAddress(accepted[1], Integer.parseInt(accepted[2]));
            assertEquals(new InetSocketAddress(connected[1], Integer.parseInt(connected[2])), peer);
            assertEquals(new InetSocketAddress(vip, 80), new InetSocketAddress(accepted[3], Integer.parseInt(accepted[4])),
                    "SO_ORIGINAL_DST");
            if (redirector != null) {
                assertEquals(Optional.of(new InetSocketAddress(vip, 80)), redirector.originalDestinations().lookup(peer));
            }
            assertEquals("echo:ping", client.await("REPLY")[1]);
            client.finish();
            tunnel.await("CLOSED");
            return peer;
        }
    }

    /** The record goes when the tunnel's socket closes, just after it printed CLOSED. */
    private static void awaitForgotten(BpfRedirector redirector, InetSocketAddress peer) {
        for (int attempt = 0; attempt < 100 && redirector.originalDestinations().lookup(peer).isPresent(); attempt++) {
            sleep(20);
        }
        assertEquals(Optional.empty(), redirector.originalDestinations().lookup(peer));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static double metric(PrometheusRegistry registry, String name) {
        for (MetricSnapshot snapshot : registry.scrape()) {
            if (snapshot.getMetadata().getName().equals(name)) {
                if (snapshot instanceof CounterSnapshot counter) {
                    return counter.getDataPoints().get(0).getValue();
                }
                return ((GaugeSnapshot) snapshot).getDataPoints().get(0).getValue();
            }
        }
        throw new AssertionError("no metric " + name);
    }

    /**
     * A one-connection sink standing in for the tunnel (reading nothing for {@code pauseSeconds}), with the pod
     * enrolled and its connections steered there over the socket fast path.
     */
    private Probe sinkBehindTheFastPath(String pauseSeconds) {
        Probe sink = track(node.probe("sink", TestNode.tunnelIpv4(), "0", pauseSeconds));
        InetSocketAddress sinkAddress = new InetSocketAddress(TestNode.tunnelIpv4(),
                Integer.parseInt(sink.await("LISTENING")[1]));
        track(BpfRedirector.start(node.config(sinkAddress, tunnel6Address, true)))
                .enroller().enroll(pod.cgroup(), pod.addresses(), CART, PodMode.PERMISSIVE);
        return sink;
    }

    private BpfRedirector start(boolean socketFastPath) {
        return track(BpfRedirector.start(node.config(tunnel4Address, tunnel6Address, socketFastPath)));
    }

    private <T extends AutoCloseable> T track(T resource) {
        return node.track(resource);
    }
}
