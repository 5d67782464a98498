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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulated network alone, without the mesh: pods on two nodes reach each other, and teardown is complete. */
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
        String client = LocalNetwork.createPod(1, "t-client", "10.244.1.10");
        String server = LocalNetwork.createPod(2, "t-hello", "10.244.2.10");
        String classpath = MeshClasspath.of(Path.of(""));

        MeshProcess hello = MeshProcess.start("hello", server, cgroups.pod(2, "hello"),
                MeshClasspath.java(classpath, MeshClasspath.APP_JVM, HelloServer.class.getName(),
                        List.of("8080", "v1", "hello-v1")), logs.resolve("hello.log"));
        String summary = "";
        for (int attempt = 0; attempt < 50 && !summary.contains("versions=v1:3"); attempt++) {
            Thread.sleep(200);
            summary = MeshProcess.run("client", client, cgroups.pod(1, "client"),
                    MeshClasspath.java(classpath, MeshClasspath.APP_JVM, RequestClient.class.getName(),
                            List.of("http://10.244.2.10:8080/hello", "3")),
                    logs.resolve("client-" + attempt + ".log"), Duration.ofSeconds(30));
        }
        assertTrue(summary.contains("versions=v1:3"), summary);
        assertTrue(hello.isAlive());

        cgroups.removeAll();
        assertEquals(List.of("ambl-net", "ambl-node1", "ambl-node2", "ambl-t-client", "ambl-t-hello"),
                LocalNetwork.removeAll().stream().sorted().toList());
        assertTrue(LocalNetwork.existing().isEmpty());
        assertFalse(Files.exists(cgroups.root()));
        assertFalse(hello.isAlive(), "removing the cgroups killed the pod's process");
    }
}
