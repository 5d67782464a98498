package dev.ambit.local.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.local.apps.RequestClient;
import dev.ambit.local.demo.DemoRunner;
import dev.ambit.local.demo.RequestSummary;
import dev.ambit.local.launch.LocalMesh;
import dev.ambit.local.topology.LocalCgroups;
import dev.ambit.local.topology.LocalNetwork;
import dev.ambit.nodeagent.testing.RequiresPrivileges;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * real mTLS tunnels and a real waypoint, in simulated nodes and pods. One mesh serves every test, in order.
 */
@RequiresPrivileges
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalMeshEndToEndTest {

    private static final Path DEMO = Path.of("..", "examples", "demo").toAbsolutePath().normalize();
    private static final String HELLO_SVC = "http://10.96.0.10:8080/hello";
    private static final Duration RUN = Duration.ofSeconds(90);
    /** What the restarted agent logs when it takes over the programs and enrollments its predecessor pinned. */
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
    void aKilledAgentLeavesSteeringInPlaceAndItsSuccessorServesAgain() throws Exception {
        mesh.killAgent("node2");
        // node1's tunnel serves its own pods' traffic meanwhile: hello-v1 lives on node1.
        RequestSummary duringOutage = fromClient("http://10.96.0.11:8080/hello", 10);
        assertEquals(Map.of("v1", 10), duringOutage.versions(), duringOutage.line());

        mesh.startAgent("node2");
        mesh.awaitAgentReady("node2");
        RequestSummary afterRestart = awaitAllOk("http://10.96.0.12:8080/hello", 10);
        assertEquals(Map.of("v2", 10), afterRestart.versions(), "hello-v2 on node2 is reachable again");
        String log = Files.readString(mesh.logs().resolve("agent-node2.log"));
        assertTrue(ADOPTED.matcher(log).find(), "the new agent adopted the pinned steering instead of rebuilding it");
    }

    @Test
    @Order(8)
    void trafficFlowsOnTheLastConfigWhileTheControllerIsDown() {
        mesh.stopController();
        try {
            RequestSummary result = fromClient(HELLO_SVC, 30);
            assertEquals(30, result.status(200), result.line());
        } finally {
            mesh.startController();
        }
    }

    @Test
    @Order(9)
    void downLeavesNothingBehind() {
        mesh.down();
        assertTrue(LocalNetwork.existing().isEmpty(), "network namespaces left: " + LocalNetwork.existing());
        assertFalse(Files.exists(LocalCgroups.onThisHost().root()), "cgroups left");
        assertFalse(Files.exists(LocalMesh.PIN_BASE), "bpffs pins left");
        mesh = null;
    }

    private RequestSummary fromClient(String url, int count) {
        return RequestSummary.parse(mesh.runInPod("demo", "client", RequestClient.class,
                List.of(url, String.valueOf(count)), RUN));
    }

    private RequestSummary awaitAllOk(String url, int count) {
        RequestSummary last = fromClient(url, count);
        for (int attempt = 0; attempt < 20 && last.status(200) != count; attempt++) {
            last = fromClient(url, count);
        }
        return last;
    }

    private static void assertPassed(Map<String, Object> step) {
        assertEquals(Boolean.TRUE, step.get("pass"), () -> "step result: " + step);
    }
}
