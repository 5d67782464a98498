package dev.ambit.local.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClassListsTest {

    @TempDir
    Path dir;

    @Test
    void mergesRecordedListsInOrderEachLineOnce() throws IOException {
        Path agent = write("agent", "# NOTE: Do not modify this file.", "java/lang/Object",
                "dev/ambit/nodeagent/NodeAgentMain",
                "@lambda-proxy dev/ambit/nodeagent/NodeAgentMain run ()Ljava/lang/Runnable; ()V 6 x y ()V");
        Path tunnel = write("tunnel", "java/lang/Object", "dev/ambit/ztunnel/Ztunnel",
                "dev/ambit/nodeagent/NodeAgentMain");

        assertEquals(List.of("java/lang/Object", "dev/ambit/nodeagent/NodeAgentMain",
                "@lambda-proxy dev/ambit/nodeagent/NodeAgentMain run ()Ljava/lang/Runnable; ()V 6 x y ()V",
                "dev/ambit/ztunnel/Ztunnel"), ClassLists.merge(List.of(agent, tunnel)));
    }

    /** Generated classes: a dump cannot find them, and says so once per line. */
    @Test
    void dropsWhatNoDumpCanFind() throws IOException {
        Path list = write("waypoint", "jdk/proxy1/$Proxy0", "com/sun/proxy/jdk/proxy1/$Proxy2",
                "io/netty/channel/$Proxy38",
                "jdk/jfr/internal/handlers/EventHandler4700_1796628545681-10739",
                "dev/ambit/waypoint/WaypointMain$$Lambda$23/0x0000000800c4b1f8",
                "sun/nio/ch/Foo id: 4 super: 0 source: /tmp/custom.jar", "", "dev/ambit/waypoint/WaypointMain");

        assertEquals(List.of("dev/ambit/waypoint/WaypointMain"), ClassLists.merge(List.of(list)));
    }

    @Test
    void writesTheListUnderAHeaderTheJvmReadsAsComments() throws IOException {
        Path file = dir.resolve("cds").resolve("waypoint.classlist");

        ClassLists.write(file, List.of("java/lang/Object", "dev/ambit/waypoint/WaypointMain"));

        List<String> lines = Files.readAllLines(file);
        assertTrue(lines.stream().takeWhile(line -> !line.startsWith("java/")).allMatch(line -> line.startsWith("#")),
                lines.toString());
        assertEquals(List.of("java/lang/Object", "dev/ambit/waypoint/WaypointMain"),
                lines.stream().filter(line -> !line.startsWith("#")).toList());
    }

    private Path write(String name, String... lines) throws IOException {
        return Files.write(dir.resolve(name + ".classlist"), List.of(lines));
    }
}
