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
        return moduleDir.resolve("target").resolve("classes").toAbsolutePath() + ":" + ofMeshProcesses(moduleDir);
    }

    /**
     * The mesh processes' classpath: the runtime dependencies alone, jars as in the images, without this module's
     * classes (which they do not use, and whose directory would stop their class-data-sharing archive's dump).
     */
    public static String ofMeshProcesses(Path moduleDir) {
        Path file = moduleDir.resolve("target").resolve("runtime-classpath.txt");
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(file + " is missing; build first (mvn -DskipTests install)", e);
        }
    }

    /** JVM flags for the sample apps and one-shot clients: small and quick to start, not tuned for speed. */
    public static final List<String> APP_JVM = List.of("-Xmx48m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xshare:auto");
    /**
     * The directory of the mesh processes' JVM options, one argument file per process ({@code agent.options},
     * {@code tunnel.options}, {@code waypoint.options}, {@code controller.options}): the images copy the same files
     * and name them in {@code JDK_JAVA_OPTIONS}, so the local mesh runs each process with the options users get.
     */
    public static Path jvmOptionsDir(Path moduleDir) {
        return moduleDir.toAbsolutePath().normalize().getParent().resolve("images").resolve("jvm");
    }

    /**
     * JVM flags for mesh process {@code process} (agent, tunnel, waypoint, controller): its argument file from
     * {@link #jvmOptionsDir}, which the JVM reads itself ({@code @file}).
     */
    public static List<String> meshJvm(Path jvmOptionsDir, String process) {
        Path file = jvmOptionsDir.resolve(process + ".options");
        if (!Files.isReadable(file)) {
            throw new IllegalStateException("no JVM options for the " + process + " at " + file);
        }
        // The options files are written for the images' JDK; unknown -XX flags are not fatal on an older local one.
        return List.of("-XX:+IgnoreUnrecognizedVMOptions", "@" + file);
    }

    /**
     * The environment the images give the mesh processes (their Dockerfiles' {@code ENV}), as a command prefix: two
     * glibc malloc arenas instead of up to eight per core, which only fragment in a JVM that allocates off-heap
     * itself (bench/RESULTS.md, "Footprint").
     */
    public static final List<String> MESH_ENVIRONMENT = List.of("env", "MALLOC_ARENA_MAX=2");

    public static List<String> java(String classpath, List<String> jvmFlags, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", classpath, mainClass));
        command.addAll(args);
        return command;
    }
}
