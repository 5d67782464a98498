package dev.ambit.local.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive cache and the recording mode. That a dumped archive starts the processes is shown by the local mesh
 * itself (its processes' command lines name it) and measured in bench/RESULTS.md.
 */
class ClassDataArchivesTest {

    @TempDir
    Path dir;

    @Test
    void anArchiveIsKeyedByTheJarsAsTheyAreOnDisk() throws IOException {
        Path jar = Files.write(dir.resolve("app.jar"), new byte[] {1, 2, 3});
        Path list = Files.writeString(dir.resolve("node-agent.classlist"), "java/lang/Object\n");
        String classpath = jar.toString();
        String before = ClassDataArchives.fingerprint(list, classpath);

        assertEquals(before, ClassDataArchives.fingerprint(list, classpath), "the same jars, the same archive");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 1_000));
        assertNotEquals(before, ClassDataArchives.fingerprint(list, classpath), "a rebuilt jar needs a new archive");
        String rebuilt = ClassDataArchives.fingerprint(list, classpath);
        Files.writeString(list, "java/lang/Object\njava/lang/String\n");
        assertNotEquals(rebuilt, ClassDataArchives.fingerprint(list, classpath), "a new list needs a new archive");
    }

    @Test
    void withoutItsClassListAProcessStartsWithoutAnArchive() {
        ClassDataArchives archives =
                new ClassDataArchives(dir, dir.resolve("cds"), image -> "app.jar", Optional.empty());

        assertEquals(List.of(), archives.flagsFor("tunnel"));
    }

    @Test
    void recordingGivesEachProcessItsOwnListAndMergesThemPerImage() throws IOException {
        Path recorded = Files.createDirectories(dir.resolve("recorded"));
        ClassDataArchives archives = new ClassDataArchives(dir.resolve("lists"), dir.resolve("cds"), image -> "app.jar",
                Optional.of(recorded));

        String agent = archives.flagsFor("agent").get(0);
        String tunnel = archives.flagsFor("tunnel").get(0);
        assertTrue(agent.startsWith("-XX:DumpLoadedClassList=" + recorded.resolve("node-agent.agent.")), agent);
        assertNotEquals(agent, tunnel);
        // What the JVMs would have written on exit.
        Files.writeString(Path.of(agent.substring(agent.indexOf('=') + 1)), "java/lang/Object\ndev/ambit/A\n");
        Files.writeString(Path.of(tunnel.substring(tunnel.indexOf('=') + 1)), "java/lang/Object\ndev/ambit/T\n");
        for (String process : List.of("waypoint", "controller")) {
            String flag = archives.flagsFor(process).get(0);
            Files.writeString(Path.of(flag.substring(flag.indexOf('=') + 1)), "java/lang/Object\n");
        }

        archives.writeRecordedLists();

        assertEquals(List.of("java/lang/Object", "dev/ambit/A", "dev/ambit/T"),
                Files.readAllLines(dir.resolve("lists").resolve("node-agent.classlist")).stream()
                        .filter(line -> !line.startsWith("#")).toList());
    }

    @Test
    void anUnknownProcessIsNamed() {
        ClassDataArchives archives =
                new ClassDataArchives(dir, dir.resolve("cds"), image -> "app.jar", Optional.empty());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> archives.flagsFor("sidecar"));
        assertTrue(e.getMessage().contains("'sidecar'"), e.getMessage());
    }
}
