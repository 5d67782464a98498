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

    /** The archive each options file names is the one its image dumps, from that image's class list. */
    @ParameterizedTest
    @CsvSource({"agent, node-agent", "tunnel, node-agent", "waypoint, waypoint", "controller, controller"})
    void eachProcessMapsTheArchiveItsImageDumps(String process, String image) throws IOException {
        String options = Files.readString(OPTIONS.resolve(process + ".options"));
        String dockerfile = Files.readString(IMAGES.resolve(image).resolve("Dockerfile"));
        String archive = "/opt/ambit/cds/" + image + ".jsa";

        assertEquals(image, ClassDataArchives.IMAGE_OF_PROCESS.get(process));
        assertTrue(options.contains("\n-XX:SharedArchiveFile=" + archive + "\n"),
                process + ".options names " + archive);
        assertTrue(dockerfile.contains("COPY images/cds/" + image + ".classlist /opt/ambit/cds/\n"), image);
        assertTrue(dockerfile.matches("(?s).*\nRUN java -Xshare:dump -XX:SharedClassListFile=/opt/ambit/cds/" + image
                + "\\.classlist \\\\\n +-XX:SharedArchiveFile=" + archive.replace(".", "\\.")
                + " -cp \"/opt/ambit/lib/\\*\".*"), image + " dumps " + archive + " on its entrypoint's class path");
        // Dumped before the options are the image's defaults: they name the archive the dump is writing.
        assertTrue(dockerfile.indexOf("-Xshare:dump") < dockerfile.indexOf("ENV JDK_JAVA_OPTIONS"), image);
    }

    /** A list recorded from the wrong processes would archive classes the image's process never loads. */
    @ParameterizedTest
    @CsvSource({
            "node-agent, dev/ambit/nodeagent/NodeAgentMain dev/ambit/ztunnel/Ztunnel dev/ambit/nodeagent/agent/NodeAgent",
            "waypoint, dev/ambit/waypoint/WaypointMain dev/ambit/waypoint/Waypoint",
            "controller, dev/ambit/control/ControllerMain"})
    void eachImagesClassListHoldsItsProcessesClasses(String image, String classes) throws IOException {
        List<String> list = Files.readAllLines(ClassDataArchives.listsDir(OPTIONS).resolve(image + ".classlist"));

        for (String name : classes.split(" ")) {
            assertTrue(list.contains(name), image + ".classlist has " + name);
        }
    }

    @org.junit.jupiter.api.Test
    void theNodeAgentImageShipsTheTunnelsOptionsToo() throws IOException {
        String dockerfile = Files.readString(IMAGES.resolve("node-agent").resolve("Dockerfile"));

        assertTrue(dockerfile.matches("(?s).*\\nCOPY [^\\n]*images/jvm/tunnel\\.options[^\\n]* /opt/ambit/jvm/\\n.*"));
    }
}
