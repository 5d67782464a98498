package dev.ambit.local.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeshClasspathTest {

    @TempDir
    Path root;

    /** What the image ships in /opt/ambit/lib: the module's own jar (not its test jar) and its runtime jars. */
    @Test
    void anImagesClassPathIsItsModulesJarAndRuntimeDependencies() throws IOException {
        Path target = Files.createDirectories(root.resolve("node-agent").resolve("target"));
        Files.write(target.resolve("ambit-node-agent-0.1.0-SNAPSHOT.jar"), new byte[0]);
        Files.write(target.resolve("ambit-node-agent-0.1.0-SNAPSHOT-tests.jar"), new byte[0]);
        Files.writeString(target.resolve("image-classpath.txt"), "/m2/netty.jar:/m2/grpc.jar\n");

        assertEquals(target.resolve("ambit-node-agent-0.1.0-SNAPSHOT.jar") + ":/m2/netty.jar:/m2/grpc.jar",
                MeshClasspath.ofImage(root.resolve("local-mesh"), "node-agent"));
    }

    @Test
    void anUnbuiltModuleSaysToBuildFirst() throws IOException {
        Files.createDirectories(root.resolve("waypoint-l7").resolve("target"));

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> MeshClasspath.ofImage(root.resolve("local-mesh"), "waypoint"));
        assertTrue(e.getMessage().contains("build first"), e.getMessage());
    }

    /** The images' class paths as this build wrote them: the agent's image has no BouncyCastle; the controller's has. */
    @Test
    void theBuiltImagesShipBouncyCastleOnlyWithTheController() {
        Path moduleDir = Path.of("");

        assertTrue(MeshClasspath.ofImage(moduleDir, "controller").contains("bcprov"));
        assertTrue(!MeshClasspath.ofImage(moduleDir, "node-agent").contains("bcprov"));
        assertTrue(!MeshClasspath.ofImage(moduleDir, "waypoint").contains("bcprov"));
    }
}
