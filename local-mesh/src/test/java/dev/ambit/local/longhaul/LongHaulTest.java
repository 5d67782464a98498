package dev.ambit.local.longhaul;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.local.apps.HoldClient;
import dev.ambit.local.apps.HoldEcho;
import dev.ambit.local.apps.RequestClient;
import dev.ambit.local.demo.DemoRunner;
import dev.ambit.local.launch.LocalMesh;
import dev.ambit.local.topology.MeshProcess;
import dev.ambit.nodeagent.testing.RequiresPrivileges;
import dev.ambit.testbed.RequestSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real mesh (the local mesh: controller, agents, tunnels, waypoint, eBPF, mTLS) held under load for minutes,
 * through what a cluster lives through: certificates rotating, the controller restarting, policies changing, and a
 * node's tunnel crashing. Connections are held and byte-checked the whole time by {@link HoldClient}s, half to a pod
 * on the client's node and half across nodes, while a {@link RequestClient} makes new connections through the
 * waypoint. The figures are printed in one {@code event=long_haul_figures} line.
 *
 * <p>Bounded for the suite: {@code -Dambit.longhaul.connections} (default 10,000) and {@code
 * -Dambit.longhaul.seconds} (default 150, the least for two rotations of two-minute certificates) make it longer.
 */
@RequiresPrivileges
class LongHaulTest {

    private static final Logger log = LoggerFactory.getLogger(LongHaulTest.class);

    private static final Path DEMO = Path.of("..", "examples", "demo").toAbsolutePath().normalize();
    private static final int CONNECTIONS = Integer.getInteger("ambit.longhaul.connections", 10_000);
    private static final Duration HOLD = Duration.ofSeconds(Long.getLong("ambit.longhaul.seconds", 150));
    /** Renewed at half their lifetime: one rotation a minute for every identity. */
    private static final Duration CERTIFICATE_TTL = Duration.ofMinutes(2);
    private static final int POLICY_CHANGES = 50;
    private static final int ECHO_PORT = 7000;
    private static final String SAME_NODE_ECHO = "10.244.1.11:" + ECHO_PORT;
    private static final String CROSS_NODE_ECHO = "10.244.2.11:" + ECHO_PORT;
    private static final String THROUGH_WAYPOINT = "http://10.96.0.10:8080/hello";
    private static final String HELLO_V2 = "http://10.96.0.12:8080/hello";
    private static final Duration STEP = Duration.ofSeconds(120);
    /** How long a crashed tunnel's successor may take to serve new connections: what this test promises. */
    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(30);
    private static final Pattern SUMMARY = Pattern.compile("connections=(\\d+) open=(\\d+) rounds=(\\d+) "
            + "exchanges=(\\d+) failures=(\\d+)");
    private static final Duration RSS_SAMPLE_EVERY = Duration.ofSeconds(15);
    private static final Pattern HOLD_OPEN = Pattern.compile("event=hold_open connections=(\\d+) failures=(\\d+)");

    private LocalMesh mesh;

    @AfterEach
    void down() {
        if (mesh != null) {
            mesh.down();
        }
    }

    @Test
    void heldConnectionsSurviveRotationsARestartedControllerPolicyChangesAndTheOtherNodesCrash() throws Exception {
        mesh = new LocalMesh(Files.createTempDirectory("ambit-long-haul"), Path.of(""))
                .workloadCertificateTtl(CERTIFICATE_TTL);
        mesh.up(DEMO);
        new DemoRunner(mesh, DEMO).awaitMesh();
        for (String pod : List.of("hello-v1", "hello-v2")) {
            mesh.startInPod("demo", pod, HoldEcho.class, List.of(String.valueOf(ECHO_PORT)))
                    .awaitOutput("event=hold_echo_listening", STEP);
        }

        Path stop = stopFile("holds");
        MeshProcess sameNode = hold(SAME_NODE_ECHO, CONNECTIONS / 2, stop);
        MeshProcess crossNode = hold(CROSS_NODE_ECHO, CONNECTIONS - CONNECTIONS / 2, stop);
        long heldSince = System.nanoTime();
        Path requestsStop = stopFile("requests");
        MeshProcess requests = mesh.startInPod("demo", "client", RequestClient.class,
                List.of(THROUGH_WAYPOINT, "100000000", "stop_file=" + requestsStop));
        requests.awaitOutput("event=requests_started", STEP);
        Map<String, Long> rssAtStart = residentSetSizes();
        Map<String, Integer> installedAtStart = certificatesInstalled();

        mesh.stopController();
        mesh.startController();
        log.info("event=long_haul_controller_restarted");

        Path policy = mesh.logs().resolve("runs").resolve("long-haul-policy.yaml");
        for (int change = 1; change <= POLICY_CHANGES; change++) {
            Map<String, Long> accepted = acceptedPolicyPushes();
            Files.writeString(policy, denyNobody(change));
            mesh.apply(policy);
            awaitPushesBeyond(accepted);
        }
        mesh.delete(policy.getFileName().toString());
        log.info("event=long_haul_policies_changed changes={}", POLICY_CHANGES);

        // Hold on, sampling every process's RSS, until the connections have been held for HOLD.
        List<Map<String, Long>> rssSamples = new ArrayList<>(List.of(rssAtStart));
        while (System.nanoTime() - heldSince < HOLD.toNanos()) {
            Thread.sleep(Math.min(RSS_SAMPLE_EVERY.toMillis(),
                    Math.max(1, (HOLD.toNanos() - (System.nanoTime() - heldSince)) / 1_000_000)));
            rssSamples.add(residentSetSizes());
        }
        Map<String, Integer> installedAtEnd = certificatesInstalled();
        Map<String, Long> rssAtEnd = rssSamples.get(rssSamples.size() - 1);
        Files.writeString(requestsStop, "stop");
        Files.writeString(stop, "stop");
        assertTrue(requests.awaitExit(STEP) && sameNode.awaitExit(STEP) && crossNode.awaitExit(STEP),
                "the clients end once told to");
        long heldSeconds = (System.nanoTime() - heldSince) / 1_000_000_000L;
        RequestSummary throughWaypoint = RequestSummary.parse(requests.lastLine());
        Matcher same = summary(sameNode);
        Matcher cross = summary(crossNode);

        // A crash of node2's tunnel: held connections to node2 end with it, node1's own traffic must not notice,
        // and the successor serves new connections within the bound.
        Path crashStop = stopFile("crash");
        MeshProcess duringCrash = hold(SAME_NODE_ECHO, Math.min(1000, CONNECTIONS / 2), crashStop);
        long killed = System.nanoTime();
        mesh.killTunnel("node2");
        mesh.startTunnel("node2");
        long recoveredMillis = awaitNewConnectionServed(HELLO_V2, killed);
        mesh.awaitTunnelReady("node2");
        Files.writeString(crashStop, "stop");
        assertTrue(duringCrash.awaitExit(STEP), "the same-node client ends once told to");
        Matcher sameDuringCrash = summary(duringCrash);

        log.info("event=long_haul_figures connections_held={} held_seconds={} same_node=\"{}\" cross_node=\"{}\""
                        + " requests=\"{}\" certificates_installed_at_start={} certificates_installed_at_end={}"
                        + " policy_changes={} controller_restarts=1 tunnel_recovery_ms={} same_node_during_crash=\"{}\""
                        + " rss_kib_at_start={} rss_kib_at_end={} rss_kib_every_{}s={}", CONNECTIONS, heldSeconds, same.group(),
                cross.group(), throughWaypoint, installedAtStart, installedAtEnd, POLICY_CHANGES, recoveredMillis,
                sameDuringCrash.group(), rssAtStart, rssAtEnd, RSS_SAMPLE_EVERY.toSeconds(), bySeries(rssSamples));

        assertHeldThroughout(same, CONNECTIONS / 2);
        assertHeldThroughout(cross, CONNECTIONS - CONNECTIONS / 2);
        assertEquals(throughWaypoint.total(), throughWaypoint.status(200),
                "every request through the waypoint answered 200: " + throughWaypoint);
        assertTrue(throughWaypoint.total() > 0, "requests were made: " + throughWaypoint);
        for (String tunnel : installedAtStart.keySet()) {
            // At least one rotation of every identity the tunnel holds (two identities on each node at least).
            assertTrue(installedAtEnd.get(tunnel) - installedAtStart.get(tunnel) >= 2,
                    tunnel + " rotated its certificates: " + installedAtStart + " -> " + installedAtEnd);
        }
        assertHeldThroughout(sameDuringCrash, Math.min(1000, CONNECTIONS / 2));
        assertTrue(recoveredMillis < RECOVERY_BOUND.toMillis(),
                "node2's successor served a new connection " + recoveredMillis + " ms after the crash");
        // Flat once warmed up: the first minute sizes heaps and buffers for 10,000 connections; from the middle of
        // the run to its end a process must not keep growing.
        Map<String, Long> rssHalfway = rssSamples.get(rssSamples.size() / 2);
        rssAtStart.forEach((process, start) -> {
            long end = rssAtEnd.getOrDefault(process, 0L);
            long halfway = rssHalfway.getOrDefault(process, start);
            assertTrue(end <= start + start / 4 + 32 * 1024,
                    process + " grew from " + start + " to " + end + " KiB over the run");
            assertTrue(end <= halfway + halfway / 10 + 8 * 1024,
                    process + " kept growing in the second half: " + halfway + " to " + end + " KiB");
        });
    }

    private MeshProcess hold(String target, int connections, Path stop) {
        MeshProcess client = mesh.startInPod("demo", "client", HoldClient.class,
                List.of(target, String.valueOf(connections), "interval_ms=1000", "stop_file=" + stop));
        client.awaitOutput("event=hold_open", STEP);
        Matcher open = HOLD_OPEN.matcher(client.output());
        assertTrue(open.find(), client.output());
        assertEquals(connections + " 0", open.group(1) + " " + open.group(2),
                "every connection to " + target + " opened: " + open.group());
        return client;
    }

    private static Matcher summary(MeshProcess client) {
        Matcher summary = SUMMARY.matcher(client.lastLine());
        assertTrue(summary.find(), "a summary line: " + client.lastLine());
        return summary;
    }

    private static void assertHeldThroughout(Matcher summary, int connections) {
        assertEquals(connections, Integer.parseInt(summary.group(2)), "connections still open: " + summary.group());
        assertEquals(0, Long.parseLong(summary.group(5)), "no connection dropped or lost a byte: " + summary.group());
        assertTrue(Long.parseLong(summary.group(3)) > 0, "rounds were exchanged: " + summary.group());
    }

    /** A DENY policy for a principal nobody has: a real change for every tunnel, a refusal for nobody. */
    private static String denyNobody(int change) {
        return """
                apiVersion: security.ambit.dev/v1
                kind: AuthorizationPolicy
                metadata:
                  name: long-haul-deny-nobody
                  namespace: demo
                spec:
                  action: DENY
                  rules:
                    - from:
                        - source:
                            principals: ["spiffe://cluster.local/ns/demo/sa/nobody-%d"]
                """.formatted(change);
    }

    /** Authorization-policy pushes each node's tunnel has accepted so far, from its log (one line per push). */
    private Map<String, Long> acceptedPolicyPushes() throws IOException {
        Map<String, Long> accepted = new LinkedHashMap<>();
        for (String node : List.of("node1", "node2")) {
            accepted.put(node, currentTunnelLog(node).lines()
                    .filter(line -> line.contains("event=config_push_accepted type=AuthorizationPolicy"))
                    .count());
        }
        return accepted;
    }

    private void awaitPushesBeyond(Map<String, Long> before) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STEP.toNanos();
        for (Map<String, Long> now = acceptedPolicyPushes(); now.entrySet().stream()
                .anyMatch(e -> e.getValue() <= before.get(e.getKey())); now = acceptedPolicyPushes()) {
            assertTrue(System.nanoTime() < deadline, "the policy change did not reach both tunnels: " + now);
            Thread.sleep(20);
        }
    }

    /** Milliseconds from {@code since} until a new connection through the mesh to {@code url} is answered. */
    private long awaitNewConnectionServed(String url, long since) throws InterruptedException {
        long deadline = since + STEP.toNanos();
        while (System.nanoTime() < deadline) {
            RequestSummary one = RequestSummary.parse(mesh.runInPod("demo", "client", RequestClient.class,
                    List.of(url, "1", "timeout_ms=2000"), STEP));
            if (one.status(200) == 1) {
                return (System.nanoTime() - since) / 1_000_000;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no new connection to " + url + " served within " + STEP + " of the crash");
    }

    /** How many certificates each running tunnel has installed so far (its first ones and every rotation). */
    private Map<String, Integer> certificatesInstalled() throws IOException {
        Map<String, Integer> installed = new LinkedHashMap<>();
        for (String node : List.of("node1", "node2")) {
            installed.put("tunnel-" + node, (int) currentTunnelLog(node).lines()
                    .filter(line -> line.contains("event=certificate_installed")).count());
        }
        return installed;
    }

    private String currentTunnelLog(String node) throws IOException {
        List<Path> logs = mesh.tunnelLogs(node);
        return Files.readString(logs.get(logs.size() - 1));
    }

    /** VmRSS of the mesh's own processes (controller, agents, tunnels, waypoint), KiB. */
    private Map<String, Long> residentSetSizes() {
        Map<String, Long> sizes = new LinkedHashMap<>();
        mesh.processIds().forEach((name, pid) -> {
            if (name.equals("controller") || name.startsWith("agent-") || name.startsWith("tunnel-")
                    || name.contains("waypoint")) {
                sizes.put(name, residentKib(pid));
            }
        });
        return sizes;
    }

    /** The samples turned around: each process's RSS over time, in MiB. */
    private static Map<String, List<Long>> bySeries(List<Map<String, Long>> samples) {
        Map<String, List<Long>> series = new LinkedHashMap<>();
        for (Map<String, Long> sample : samples) {
            sample.forEach((process, kib) -> series.computeIfAbsent(process, p -> new ArrayList<>()).add(kib / 1024));
        }
        return series;
    }

    private static long residentKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path stopFile(String what) throws IOException {
        Path stop = mesh.logs().resolve("runs").resolve("stop-" + what + "-" + System.nanoTime());
        Files.createDirectories(stop.getParent());
        Files.deleteIfExists(stop);
        return stop;
    }
}
