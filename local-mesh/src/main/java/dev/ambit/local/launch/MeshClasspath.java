package dev.ambit.local.launch;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The class paths of the local mesh's processes: the mesh processes run on their images' ({@link #ofImage}), the
 * sample apps and helpers on this module's classes and runtime dependencies, as the build wrote them to
 * {@code target/runtime-classpath.txt}.
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

    /** The module each image is built from, with its jar and {@code target/image-classpath.txt}. */
    static final Map<String, String> MODULE_OF_IMAGE =
            Map.of("node-agent", "node-agent", "waypoint", "waypoint-l7", "controller", "control");

    /**
     * The class path of image {@code image}'s processes, as its Dockerfile ships it in {@code /opt/ambit/lib}: its
     * module's jar and the runtime dependencies that module's build wrote to {@code target/image-classpath.txt}.
     * Jars only, as a class-data-sharing dump requires; and only what the image has, so that the local mesh loads
     * the classes a deployed process loads (the agent's image has no BouncyCastle, this module's class path does).
     */
    public static String ofImage(Path moduleDir, String image) {
        String module = MODULE_OF_IMAGE.get(image);
        if (module == null) {
            throw new IllegalArgumentException("no image named '" + image + "'");
        }
        Path target = moduleDir.toAbsolutePath().normalize().getParent().resolve(module).resolve("target");
        String jarPrefix = "ambit-" + module + "-";
        List<Path> jars;
        try (Stream<Path> files = Files.list(target)) {
            jars = files.filter(f -> {
                String name = f.getFileName().toString();
                return name.startsWith(jarPrefix) && name.endsWith(".jar") && !name.endsWith("-tests.jar")
                        && !name.endsWith("-sources.jar") && !name.endsWith("-javadoc.jar");
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(target + " is missing; build first (mvn -DskipTests install)", e);
        }
        if (jars.size() != 1) {
            throw new IllegalStateException(target + " should hold one " + jarPrefix + "*.jar, not " + jars
                    + "; build first (mvn -DskipTests install)");
        }
        Path file = target.resolve("image-classpath.txt");
        try {
            return jars.get(0) + File.pathSeparator + Files.readString(file).strip();
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
