package dev.ambit.local.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The classpath every process of the local mesh runs with: this module's classes and its runtime dependencies (the
 * controller, node agent, waypoint and sample apps), as the build wrote them to {@code target/runtime-classpath.txt}.
 */
public final class MeshClasspath {

    private MeshClasspath() {
    }

    /** From the module directory {@code moduleDir} (the one holding {@code target/}). */
    public static String of(Path moduleDir) {
        Path target = moduleDir.resolve("target");
        Path file = target.resolve("runtime-classpath.txt");
        try {
            return target.resolve("classes").toAbsolutePath() + ":" + Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(file + " is missing; build first (mvn -DskipTests install)", e);
        }
    }

    /** JVM flags for the sample apps and one-shot clients: small and quick to start, not tuned for speed. */
    public static final List<String> APP_JVM = List.of("-Xmx48m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xshare:auto");
    /**
     * JVM flags for the controller, node agents and waypoints: small heaps that start smaller still and grow on demand
     * (an -Xmx alone commits it all at start on a large host), full JIT (they carry the traffic).
     */
    public static final List<String> MESH_JVM = List.of("-Xms12m", "-Xmx160m", "-XX:+UseSerialGC",
            "--enable-native-access=ALL-UNNAMED", "-XX:+IgnoreUnrecognizedVMOptions");

    public static List<String> java(String classpath, List<String> jvmFlags, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", classpath, mainClass));
        command.addAll(args);
        return command;
    }
}
