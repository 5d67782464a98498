package dev.ambit.local.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each mesh process's JVM options live in one file, images/jvm/PROCESS.options: the local mesh runs the process with
 * it and the images ship it, so the options measured locally are the ones users get.
 */
class MeshJvmOptionsTest {

    private static final Path OPTIONS = MeshClasspath.jvmOptionsDir(Path.of(""));
    private static final Path IMAGES = OPTIONS.getParent();

    @ParameterizedTest
    @ValueSource(strings = {"agent", "tunnel", "waypoint", "controller"})
    void theLocalMeshRunsEachProcessWithItsOptionsFile(String process) {
        List<String> flags = MeshClasspath.meshJvm(OPTIONS, process);

        assertEquals("@" + OPTIONS.resolve(process + ".options"), flags.get(flags.size() - 1), flags.toString());
    }

    /** Without IgnoreUnrecognizedVMOptions: a typo or an option this JDK lacks would stop the process in its image. */
    @ParameterizedTest
    @ValueSource(strings = {"agent", "tunnel", "waypoint", "controller"})
    void theJvmAcceptsEachOptionsFile(String process) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("@" + OPTIONS.resolve(process + ".options"));
        command.add("-version");
        Process java = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(java.getInputStream().readAllBytes());

        assertTrue(java.waitFor(60, TimeUnit.SECONDS), "java -version finished");
        assertEquals(0, java.exitValue(), output);
    }

    @ParameterizedTest
    @CsvSource({"node-agent, agent", "waypoint, waypoint", "controller, controller"})
    void eachImageCopiesItsOptionsFileAndNamesIt(String image, String process) throws IOException {
        String dockerfile = Files.readString(IMAGES.resolve(image).resolve("Dockerfile"));

        assertTrue(dockerfile.matches("(?s).*\\nCOPY [^\\n]*images/jvm/" + process + "\\.options[^\\n]* /opt/ambit/jvm/\\n.*"),
                image + " copies images/jvm/" + process + ".options");
        assertTrue(dockerfile.contains("ENV JDK_JAVA_OPTIONS=\"@/opt/ambit/jvm/" + process + ".options\""),
                image + "'s JDK_JAVA_OPTIONS is its options file and nothing else");
    }

    @ParameterizedTest
    @ValueSource(strings = {"node-agent", "waypoint", "controller"})
    void eachImageLimitsMallocArenasAsTheLocalMeshDoes(String image) throws IOException {
        String dockerfile = Files.readString(IMAGES.resolve(image).resolve("Dockerfile"));

        assertTrue(MeshClasspath.MESH_ENVIRONMENT.contains("MALLOC_ARENA_MAX=2"), MeshClasspath.MESH_ENVIRONMENT.toString());
        assertTrue(dockerfile.contains(" MALLOC_ARENA_MAX=2"), image);
    }

    @org.junit.jupiter.api.Test
    void theNodeAgentImageShipsTheTunnelsOptionsToo() throws IOException {
        String dockerfile = Files.readString(IMAGES.resolve("node-agent").resolve("Dockerfile"));

        assertTrue(dockerfile.matches("(?s).*\\nCOPY [^\\n]*images/jvm/tunnel\\.options[^\\n]* /opt/ambit/jvm/\\n.*"));
    }
}
