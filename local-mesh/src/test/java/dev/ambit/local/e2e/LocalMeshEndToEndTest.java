package dev.ambit.local.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.local.apps.RequestClient;
import dev.ambit.local.apps.StreamClient;
import dev.ambit.local.demo.DemoRunner;
import dev.ambit.local.graph.GraphBrowser;
import dev.ambit.local.launch.LocalMesh;
import dev.ambit.local.topology.LocalCgroups;
import dev.ambit.local.topology.LocalNetwork;
import dev.ambit.local.topology.MeshProcess;
import dev.ambit.nodeagent.testing.RequiresPrivileges;
import dev.ambit.testbed.RequestSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The whole mesh on this host, as the demo runs it: real controller (file source), node agents with real eBPF,
 * real mTLS tunnels (each node's in its own process beside its agent) and a real waypoint, in simulated nodes and
 * pods. One mesh serves every test, in order.
 */
@RequiresPrivileges
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalMeshEndToEndTest {

    private static final Path DEMO = Path.of("..", "examples", "demo").toAbsolutePath().normalize();
    private static final String HELLO_SVC = "http://10.96.0.10:8080/hello";
    private static final Duration RUN = Duration.ofSeconds(90);
    /** What the restarted agent logs when it takes over the programs and enrollments its predecessor pinned. */
    private static final String HELLO_V2 = "http://10.96.0.12:8080";
    private static final Pattern PROGRESS = Pattern.compile("event=stream_progress exchanges=(\\d+)");
    private static final Pattern ADOPTED =
            Pattern.compile("event=bpf_redirector_started .*adopted=[1-9].* enrollments=[1-9]");

    private LocalMesh mesh;
    private DemoRunner demo;

    @BeforeAll
    void up() throws Exception {
        mesh = new LocalMesh(Files.createTempDirectory("ambit-e2e"), Path.of(""));
        mesh.up(DEMO);
        demo = new DemoRunner(mesh, DEMO);
        demo.awaitMesh();
    }

    @AfterAll
    void down() {
        if (mesh != null) {
            mesh.down();
        }
    }

    @Test
    @Order(0)
    void everyPodStartedThroughItsCniAddAndTheAmbientOnesWereEnrolledByIt() throws Exception {
        Map<String, String> expected = Map.of("demo/client", "enrolled", "demo/hello-v1", "enrolled",
                "demo/hello-v2", "enrolled", "demo/hello-v3", "enrolled", "demo/waypoint", "not_ambient",
                "legacy/outsider", "not_ambient", "demo/nginx", "enrolled", "edge/public", "not_ambient");
        for (Map.Entry<String, String> pod : expected.entrySet()) {
            String node = mesh.manifests().pod(pod.getKey().split("/")[0], pod.getKey().split("/")[1]).node();
            List<String> answers = Files.readAllLines(mesh.agentLog(node)).stream()
                    .filter(line -> line.contains("event=cni_request command=ADD pod=" + pod.getKey() + " "))
                    .map(line -> line.replaceAll(".* result=(\\S+) .*", "$1"))
                    .toList();
            assertEquals(pod.getValue(), answers.isEmpty() ? "no ADD" : answers.get(answers.size() - 1), pod.getKey());
        }
    }

    /** As in the images: each mesh process maps its image's class-data-sharing archive (images/README.md). */
    @Test
    @Order(0)
    void everyMeshProcessStartedFromItsImagesClassDataArchive() throws IOException {
        Map<String, String> archiveOf = Map.of("controller", "controller-", "agent-node1", "node-agent-",
                "tunnel-node1", "node-agent-", "agent-node2", "node-agent-", "tunnel-node2", "node-agent-",
                "pod-demo-waypoint", "waypoint-");
        for (Map.Entry<String, String> process : archiveOf.entrySet()) {
            long pid = mesh.processIds().get(process.getKey());
            List<String> archives = Files.readAllLines(Path.of("/proc", Long.toString(pid), "maps")).stream()
                    .filter(line -> line.endsWith(".jsa")).map(line -> line.substring(line.lastIndexOf('/') + 1))
                    .distinct().toList();
            assertTrue(archives.size() == 1 && archives.get(0).startsWith(process.getValue()),
                    process.getKey() + " maps " + archives);
        }
    }

    /**
     * Each process's ready line says how long it took from exec (docs/architecture.md, "Logs"). The mesh counts a
     * process up by its readiness, which may turn a moment before the line is written: hence the wait.
     */
    @Test
    @Order(0)
    void everyMeshProcessLogsItsStartUpTime() throws IOException, InterruptedException {
        Map<String, String> readyEventOf = Map.of("controller", "controller_started",
                "agent-node1", "node_agent_started", "tunnel-node1", "node_tunnel_started",
                "agent-node2", "node_agent_started", "tunnel-node2", "node_tunnel_started",
                "pod-demo-waypoint", "waypoint_started");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        for (Map.Entry<String, String> process : readyEventOf.entrySet()) {
            Pattern ready = Pattern.compile("event=" + process.getValue() + " .* startup_ms=(\\d+)");
            Path log = mesh.logs().resolve(process.getKey() + ".log");
            List<Long> startups = List.of();
            while (startups.isEmpty() && System.nanoTime() < deadline) {
                startups = Files.readAllLines(log).stream().map(ready::matcher).filter(Matcher::find)
                        .map(found -> Long.parseLong(found.group(1))).toList();
                if (startups.isEmpty()) {
                    Thread.sleep(200);
                }
            }
            assertFalse(startups.isEmpty(), process.getKey() + " logged no " + process.getValue() + " with startup_ms");
            long last = startups.get(startups.size() - 1);
            assertTrue(last > 0 && last < RUN.toMillis(), process.getKey() + " startup_ms=" + last);
        }
    }

    @Test
    @Order(1)
    void clientToHelloIsMutualTlsBetweenTheRightIdentities() {
        assertPassed(demo.mtls());
    }

    @Test
    @Order(2)
    void withoutARouteTheServiceSpreadsRequestsOverEveryVersion() {
        Map<String, Object> split = demo.split();
        assertPassed(split);
        assertEquals(300, split.get("requests"));
    }

    @Test
    @Order(3)
    void theWaypointRoutesByHeader() {
        assertPassed(demo.headerRoute());
    }

    @Test
    @Order(4)
    void faultInjectionAbortsAboutHalfAndDelaysBySecond() {
        assertPassed(demo.fault());
    }

    @Test
    @Order(5)
    void aDenyPolicyBlocksTheClientAndStrictRefusesPlaintext() {
        assertPassed(demo.policy());
    }

    @Test
    @Order(6)
    void bothNodesReportIdentityLabelledTcpMetrics() {
        assertPassed(demo.metrics());
    }

    @Test
    @Order(7)
    void theControllersGraphShowsClientToHelloAsMtlsThroughTheWaypointWithTheDenials() {
        assertPassed(demo.graph());
    }

    /**
     * From outside the mesh through the ingress gateway's load balancer address and nginx to hello-svc: spread, routed
     * by header, HTTPS with each SNI name's certificate, and 403 under a DENY policy naming the gateway. Before the
     * tests that kill, hand over and restart components: its traffic and its DENY policy leave their checks alone.
     */
    @Test
    @Order(8)
    void theIngressGatewayTakesRequestsFromOutsideThroughNginxToHello() {
        assertPassed(demo.ingress());
    }

    /** One trace per request: from the client through the waypoint, and from outside through ingress and waypoint. */
    @Test
    @Order(9)
    void requestsThroughTheIngressAndTheWaypointMakeOneTraceInHopOrder() {
        assertPassed(demo.tracing());
    }

    /**
     * The graph page in a real browser (Debian's headless chromium) at the URL the local mesh prints, while the client
     * calls hello-svc: the client → hello edge is drawn with its lock, request rate and the DENY step's 403s, listed
     * in the edge table with its waypoint, and selecting hello shows its SPIFFE identity, node and waypoint.
     */
    @Test
    @Order(10)
    void theGraphPageDrawsTheEdgesWithRatesAndLocksInABrowser() throws Exception {
        Path stop = stopFile();
        MeshProcess traffic = mesh.startInPod("demo", "client", RequestClient.class,
                List.of(HELLO_SVC, "100000", "stop_file=" + stop));
        try (GraphBrowser browser = GraphBrowser.open()) {
            var driver = browser.driver();
            driver.get(LocalMesh.GRAPH_URL);
            // Drawn once a scrape round saw the traffic: a request rate above zero.
            String label = awaitScript(driver, "var e = window.ambitGraph && ambitGraph.getElementById("
                    + "'demo/client->demo/hello'); var rate = e && e.nonempty() && /([0-9.]+) req\\/s/.exec("
                    + "e.data('label')); return rate && parseFloat(rate[1]) > 0 ? e.data('label') : null;");
            assertTrue(label.startsWith("\uD83D\uDD12 "), "the mTLS lock: " + label);
            assertTrue(label.matches(".*\\d+\u00D7403.*"), "the DENY step's 403s: " + label);
            String row = (String) driver.executeScript("return document.querySelector("
                    + "'tr[data-edge=\"demo/client->demo/hello\"]').textContent;");
            assertTrue(row.contains("mTLS") && row.contains("demo/waypoint"), row);
            assertEquals("mTLS", driver.executeScript(
                    "return ambitGraph.getElementById('demo/waypoint->demo/hello').data('security');"));

            driver.executeScript("ambitGraph.getElementById('demo/hello').emit('tap');");
            String panel = (String) driver.executeScript("return document.getElementById('panel').textContent;");
            assertTrue(panel.contains("spiffe://cluster.local/ns/demo/sa/hello") && panel.contains("node1")
                    && panel.contains("demo/waypoint"), panel);
            browser.screenshot(Path.of("target", "graph", "service-graph.png"));
        } finally {
            Files.createFile(stop);
            traffic.awaitExit(RUN);
        }
    }

    /** Runs {@code script} until it returns something other than null, for up to a minute; returns that. */
    private static String awaitScript(org.openqa.selenium.JavascriptExecutor driver, String script)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Object result = null;
        while (System.nanoTime() < deadline) {
            result = driver.executeScript(script);
            if (result != null) {
                return result.toString();
            }
            Thread.sleep(250);
        }
        Object status = driver.executeScript("return document.getElementById('status').textContent;");
        throw new AssertionError("the page never drew what was expected; its status: " + status + "; labels: "
                + driver.executeScript("return window.ambitGraph ? ambitGraph.edges().map(e => e.id() + ' ' "
                        + "+ e.data('label')).join('; ') : 'no graph';"));
    }

    @Test
    @Order(11)
    void aKilledAgentLeavesEstablishedConnectionsFlowingAndItsSuccessorAdoptsTheSteering() throws Exception {
        Path stop = stopFile();
        MeshProcess stream = mesh.startInPod("demo", "client", StreamClient.class,
                List.of(HELLO_V2, "300", "interval_ms=20", "stop_file=" + stop));
        stream.awaitOutput("event=stream_open", RUN);
        awaitExchangesBeyond(stream, 20);

        mesh.killAgent("node1");
        long atKill = exchanges(stream);
        // No agent on the client's node: steering stays pinned, the tunnel (its own process) reads the pins.
        RequestSummary crossNode = fromClient(HELLO_V2 + "/hello", 10);
        assertEquals(Map.of("v2", 10), crossNode.versions(), crossNode.toString());
        RequestSummary sameNode = fromClient("http://10.96.0.11:8080/hello", 10);
        assertEquals(Map.of("v1", 10), sameNode.versions(), sameNode.toString());
        awaitExchangesBeyond(stream, atKill + 20);

        mesh.startAgent("node1");
        mesh.awaitAgentReady("node1");
        long atRestart = exchanges(stream);
        RequestSummary afterRestart = fromClient(HELLO_V2 + "/hello", 10);
        assertEquals(Map.of("v2", 10), afterRestart.versions(), afterRestart.toString());
        awaitExchangesBeyond(stream, atRestart + 20);

        Files.writeString(stop, "stop");
        assertTrue(stream.awaitExit(RUN), "the stream client ends once told to");
        String summary = stream.lastLine();
        assertTrue(summary.contains(" failures=0 "), "the one connection never dropped nor lost a byte: " + summary);
        assertTrue(ADOPTED.matcher(Files.readString(mesh.logs().resolve("agent-node1.log"))).find(),
                "the new agent adopted the pinned steering instead of rebuilding it");
        assertTrue(tunnelLogs("node1").stream().noneMatch(log -> log.contains("event=steering_pins_reopened")),
                "the restarted agent kept the same maps: the tunnel never had to re-open them");
    }

    @Test
    @Order(12)
    void tunnelsHandedOverToSuccessorsLoseNoNewConnection() throws Exception {
        Path stop = stopFile();
        // Every request is a new connection through node1's outbound listener and node2's HBONE listener.
        MeshProcess requests = mesh.startInPod("demo", "client", RequestClient.class,
                List.of(HELLO_V2 + "/hello", "1000000", "stop_file=" + stop));
        requests.awaitOutput("event=requests_started", RUN);

        mesh.handOverTunnel("node1");
        mesh.handOverTunnel("node2");
        // Pooled HBONE connections to node2's old tunnel were told GOAWAY: new streams go to the successor.
        Thread.sleep(1000);

        Files.writeString(stop, "stop");
        assertTrue(requests.awaitExit(RUN), "the request loop ends once told to");
        RequestSummary during = RequestSummary.parse(requests.lastLine());
        assertTrue(during.total() >= 50, "enough connections crossed the hand-overs: " + during);
        assertEquals(during.total(), during.status(200), "no connection failed during the hand-overs: " + during);
        RequestSummary after = fromClient(HELLO_V2 + "/hello", 10);
        assertEquals(Map.of("v2", 10), after.versions(), "the successors carry the traffic: " + after);
    }

    @Test
    @Order(13)
    void trafficFlowsOnTheLastConfigWhileTheControllerIsDown() {
        mesh.stopController();
        try {
            RequestSummary result = fromClient(HELLO_SVC, 30);
            assertEquals(30, result.status(200), result.toString());
        } finally {
            mesh.startController();
        }
    }

    /**
     * The client pod's DNS is captured by its node's eBPF into the tunnel's DNS proxy: service names resolve from the
     * mesh's config, other names through the upstream, requests by name are mTLS; the non-mesh pod's DNS is untouched.
     */
    @Test
    @Order(14)
    void podsResolveServiceNamesThroughTheirNodesDnsProxyAndTheOutsiderIsNotCaptured() {
        assertPassed(demo.dns());
    }

    /**
     * IPv6 end to end: the client's requests to hello-svc's and a remote hello pod's IPv6 addresses are served on
     * IPv6, with mTLS between the right identities and HBONE between the nodes over IPv6; DENY answers them 403.
     */
    @Test
    @Order(15)
    void ipv6RequestsCrossTheMeshInTheirFamilyWithMtlsAndTheDenyPolicyApplies() {
        assertPassed(demo.ipv6());
    }

    /** After the controller's restart: it keeps its CA (--ca-dir), so new pods' certificates are trusted as before. */
    @Test
    @Order(16)
    void newAmbientPodsAreTunnelledFromTheirFirstRequestAndNoneStartsWhileTheAgentIsDown() {
        assertPassed(demo.podStart());
    }

    @Test
    @Order(17)
    void downLeavesNothingBehind() {
        mesh.down();
        assertTrue(LocalNetwork.existing().isEmpty(), "network namespaces left: " + LocalNetwork.existing());
        assertFalse(Files.exists(LocalCgroups.onThisHost().root()), "cgroups left");
        assertFalse(Files.exists(LocalMesh.PIN_BASE), "bpffs pins left");
        mesh = null;
    }

    private Path stopFile() throws java.io.IOException {
        Path stop = mesh.logs().resolve("runs").resolve("stop-" + System.nanoTime());
        Files.deleteIfExists(stop);
        return stop;
    }

    /** What a stream client has exchanged so far, from its last progress line. */
    private static long exchanges(MeshProcess stream) {
        Matcher progress = PROGRESS.matcher(stream.output());
        long last = -1;
        while (progress.find()) {
            last = Long.parseLong(progress.group(1));
        }
        return last;
    }

    /** The stream is still exchanging data: it gets past {@code count}, on its one connection. */
    private static void awaitExchangesBeyond(MeshProcess stream, long count) throws InterruptedException {
        long deadline = System.nanoTime() + RUN.toNanos();
        while (exchanges(stream) <= count) {
            assertTrue(stream.isAlive(), "the stream client ended early: " + stream.lastLine());
            assertTrue(System.nanoTime() < deadline, "the stream stalled at " + exchanges(stream) + " exchanges");
            Thread.sleep(100);
        }
    }

    private List<String> tunnelLogs(String node) throws java.io.IOException {
        List<String> logs = new java.util.ArrayList<>();
        for (Path log : mesh.tunnelLogs(node)) {
            logs.add(Files.readString(log));
        }
        return logs;
    }

    private RequestSummary fromClient(String url, int count) {
        return RequestSummary.parse(mesh.runInPod("demo", "client", RequestClient.class,
                List.of(url, String.valueOf(count)), RUN));
    }

    private static void assertPassed(Map<String, Object> step) {
        assertEquals(Boolean.TRUE, step.get("pass"), () -> "step result: " + step);
    }
}
