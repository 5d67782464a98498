package dev.ambit.local.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.local.apps.HelloServer;
import dev.ambit.local.apps.RequestClient;
import dev.ambit.local.launch.MeshClasspath;
import dev.ambit.nodeagent.testing.RequiresPrivileges;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated network alone, without the mesh: pods on two nodes reach each other over both address families,
 * and teardown is complete.
 */
@RequiresPrivileges
class LocalNetworkTest {

    private final LocalCgroups cgroups = LocalCgroups.onThisHost();
    @TempDir
    Path logs;

    @BeforeEach
    @AfterEach
    void removeEverything() {
        cgroups.removeAll();
        LocalNetwork.removeAll();
    }

    @Test
    void podsOnTwoNodesTalkThroughTheUnderlayAndTeardownLeavesNothing() throws Exception {
        LocalNetwork.createNodes(2);
        String client = LocalNetwork.createPod(1, "t-client", "10.244.1.10", Optional.of("fd00:10:244:1::10"));
        String server = LocalNetwork.createPod(2, "t-hello", "10.244.2.10", Optional.of("fd00:10:244:2::10"));
        String classpath = MeshClasspath.of(Path.of(""));

        MeshProcess hello = MeshProcess.start("hello", server, cgroups.pod(2, "hello"),
                MeshClasspath.java(classpath, MeshClasspath.APP_JVM, HelloServer.class.getName(),
                        List.of("8080", "v1", "hello-v1")), logs.resolve("hello.log"));
        hello.awaitOutput("event=hello_listening", Duration.ofSeconds(30));
        String summary = requests(classpath, client, "http://10.244.2.10:8080/hello", 3);
        assertTrue(summary.contains("versions=v1:3"), summary);
        assertEquals(Map.of("ipv4", 3), RequestClient.servedOn(summary), summary);
        // Both families, routed node to node over the underlay's IPv6 addresses; the server's wildcard socket takes
        // both and says which address it was reached on.
        String overIpv6 = requests(classpath, client, "http://[fd00:10:244:2::10]:8080/hello", 3);
        assertTrue(overIpv6.contains("versions=v1:3"), overIpv6);
        assertEquals(Map.of("ipv6", 3), RequestClient.servedOn(overIpv6), overIpv6);
        // Without the mesh a VIP of either family goes nowhere.
        String toVip = requests(classpath, client, "http://[" + AddressPlan.HELLO_SVC_IPV6 + "]:8080/hello", 1);
        assertTrue(toVip.contains("failure_kinds=unreachable:1"), toVip);
        assertTrue(hello.isAlive());

        cgroups.removeAll();
        assertEquals(List.of("ambl-net", "ambl-node1", "ambl-node2", "ambl-t-client", "ambl-t-hello"),
                LocalNetwork.removeAll().stream().sorted().toList());
        assertTrue(LocalNetwork.existing().isEmpty());
        assertFalse(Files.exists(cgroups.root()));
        assertFalse(hello.isAlive(), "removing the cgroups killed the pod's process");
    }

    private String requests(String classpath, String client, String url, int count) {
        return MeshProcess.run("client", client, cgroups.pod(1, "client"),
                MeshClasspath.java(classpath, MeshClasspath.APP_JVM, RequestClient.class.getName(),
                        List.of(url, String.valueOf(count), "timeout_ms=3000")),
                logs.resolve("client-" + System.nanoTime() + ".log"), Duration.ofSeconds(30));
    }
}
