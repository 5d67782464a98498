package dev.ambit.nodeagent.redirect;

import static dev.ambit.nodeagent.testing.TestPod.SERVICE_VIP4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.host.bpf.BpfMap;
import dev.ambit.host.bpf.LibbpfException;
import dev.ambit.nodeagent.testing.Probe;
import dev.ambit.nodeagent.testing.RequiresPrivileges;
import dev.ambit.nodeagent.testing.TestNode;
import dev.ambit.nodeagent.testing.TestPod;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tunnel's side of the steering, in another process than the agent: it reads the agent's pinned maps read-only,
 * waits for them when it starts first, keeps its descriptors across agent restarts (which adopt the same maps), and
 * re-opens the maps an agent made anew.
 */
@RequiresPrivileges
class PinnedSteeringViewTest {

    private static final SpiffeId CART = SpiffeId.of("cluster.local", "shop", "cart");
    private static final Duration PERIOD = Duration.ofMillis(100);
    private static final int EPERM = 1;

    private TestNode node;
    private TestPod pod;
    private Probe tunnel;
    private InetSocketAddress tunnelAddress;

    @BeforeEach
    void createNodeWithPodAndTunnel() {
        node = TestNode.create();
        pod = node.addPod();
        tunnel = track(node.probe("serve", TestNode.tunnelIpv4(), "0"));
        tunnelAddress = new InetSocketAddress(TestNode.tunnelIpv4(), Integer.parseInt(tunnel.await("LISTENING")[1]));
    }

    @AfterEach
    void removeEverything() {
        node.close();
    }

    @Test
    void aTunnelStartedFirstWaitsForThePinsThenReadsThemReadOnly() {
        PinnedSteeringView view = track(PinnedSteeringView.follow(node.pinRoot(), PERIOD));
        assertFalse(view.opened());
        assertEquals(Optional.empty(), view.originalDestination(new InetSocketAddress(pod.ipv4(), 40000)));
        assertEquals(OptionalInt.empty(), view.enrolledPods());

        BpfRedirector agent = startAgent();
        agent.enroller().enroll(pod.cgroup(), pod.addresses(), CART, PodMode.PERMISSIVE);
        awaitTrue("the view to open the agent's pins", view::opened);

        assertEquals(Optional.of(new InetSocketAddress(SERVICE_VIP4, 80)), steeredThrough(view));
        assertEquals(OptionalInt.of(1), view.enrolledPods());
        assertEquals(1, view.counters().orElseThrow().redirects());
        try (BpfMap readOnly = BpfMap.openPinnedReadOnly(node.pinRoot().resolve("maps").resolve(PodEnroller.MAP_NAME))) {
            byte[] key = readOnly.keys().get(0);
            LibbpfException denied = assertThrows(LibbpfException.class, () -> readOnly.delete(key));
            assertEquals(EPERM, denied.errno(), "the tunnel's descriptors cannot change the steering");
        }
    }

    @Test
    void whatKeepsTheViewFromThePinsIsNamed() throws Exception {
        PinnedSteeringView waiting = track(PinnedSteeringView.follow(node.pinRoot(), PERIOD));
        assertEquals(Optional.of("no steering pins under " + node.pinRoot() + " yet: waiting for node-agent run on"
                + " this node to create them (is it running, with the same --pin-root?)"), waiting.problem());

        Path notBpffs = Files.createTempDirectory("not-bpffs");
        PinnedSteeringView misplaced = track(PinnedSteeringView.follow(notBpffs, PERIOD));
        assertTrue(misplaced.problem().orElseThrow().startsWith(notBpffs + " is not on a bpffs mount"),
                misplaced.problem().orElseThrow());

        startAgent();
        awaitTrue("the problem to clear once the agent pinned its maps", () -> waiting.problem().isEmpty());
        Files.delete(notBpffs);
    }

    @Test
    void anAgentRestartAdoptsTheSameMapsSoTheTunnelKeepsWorkingWithItsDescriptors() {
        BpfRedirector first = BpfRedirector.start(node.config(tunnelAddress, null, false));
        first.enroller().enroll(pod.cgroup(), pod.addresses(), CART, PodMode.PERMISSIVE);
        PinnedSteeringView view = track(PinnedSteeringView.follow(node.pinRoot(), PERIOD));
        Map<String, Integer> before = view.mapIds();
        assertEquals(PinnedMaps.NAMES, List.copyOf(before.keySet()));

        first.close();
        assertEquals(Optional.of(new InetSocketAddress(SERVICE_VIP4, 80)), steeredThrough(view),
                "steering and lookups go on while no agent runs");

        startAgent();
        assertEquals(before, pinnedIds(), "the restarted agent adopted the pinned maps instead of creating new ones");
        assertEquals(Optional.of(new InetSocketAddress(SERVICE_VIP4, 80)), steeredThrough(view));
        assertEquals(before, view.mapIds(), "the tunnel never had to re-open anything");
    }

    @Test
    void mapsAnAgentCreatesAnewAfterAnUninstallAreReopened() {
        BpfRedirector first = BpfRedirector.start(node.config(tunnelAddress, null, false));
        PinnedSteeringView view = track(PinnedSteeringView.follow(node.pinRoot(), PERIOD));
        Map<String, Integer> before = view.mapIds();
        first.uninstall();

        BpfRedirector second = startAgent();
        second.enroller().enroll(pod.cgroup(), pod.addresses(), CART, PodMode.PERMISSIVE);
        Map<String, Integer> recreated = pinnedIds();
        assertNotEquals(before, recreated);
        awaitTrue("the view to re-open the new maps", () -> view.mapIds().equals(recreated));

        assertEquals(Optional.of(new InetSocketAddress(SERVICE_VIP4, 80)), steeredThrough(view));
    }

    /** The tunnel learns from the pins whether the agent steers with the socket fast path, across agent restarts. */
    @Test
    void theViewTellsWhetherTheAgentSteersWithTheSocketFastPath() {
        PinnedSteeringView view = track(PinnedSteeringView.follow(node.pinRoot(), PERIOD));
        assertEquals(Optional.empty(), view.socketFastPath(), "no pins yet");

        try (BpfRedirector without = BpfRedirector.start(node.config(tunnelAddress, null, false))) {
            awaitTrue("the view to open the pins", view::opened);
            assertEquals(Optional.of(false), view.socketFastPath());
        }

        track(BpfRedirector.start(node.config(tunnelAddress, null, true)));
        assertEquals(Optional.of(true), view.socketFastPath(), "read from the adopted config map, no re-open");
    }

    /** A steered connection from the pod, looked up through {@code view} while the tunnel holds it open. */
    private Optional<InetSocketAddress> steeredThrough(PinnedSteeringView view) {
        try (Probe client = pod.probe("connect", SERVICE_VIP4, "80")) {
            client.await("CONNECTED");
            String[] accepted = tunnel.await("ACCEPT");
            Optional<InetSocketAddress> found = view.originalDestination(
                    new InetSocketAddress(accepted[1], Integer.parseInt(accepted[2])));
            assertEquals("echo:ping", client.await("REPLY")[1]);
            client.finish();
            tunnel.await("CLOSED");
            return found;
        }
    }

    private Map<String, Integer> pinnedIds() {
        try (PinnedMaps maps = PinnedMaps.open(new PinLayout(node.pinRoot()))) {
            return maps.ids();
        }
    }

    private BpfRedirector startAgent() {
        return track(BpfRedirector.start(node.config(tunnelAddress, null, false)));
    }

    private static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
        assertTrue(condition.getAsBoolean());
    }

    private <T extends AutoCloseable> T track(T resource) {
        return node.track(resource);
    }
}
