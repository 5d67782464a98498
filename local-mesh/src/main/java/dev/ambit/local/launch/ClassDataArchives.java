package dev.ambit.local.launch;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The static class-data-sharing archives the mesh processes start with, as in the images: one per image (the node
 * agent's image runs both {@code node-agent run} and {@code node-agent tunnel}, which then map the same file), dumped
 * from the image's class list ({@link ClassLists}, {@code images/cds/IMAGE.classlist}). An archive holds the listed
 * classes already parsed and verified, so a process skips most of its class loading at start (bench/RESULTS.md,
 * "Class-data sharing").
 *
 * <p>An image dumps its archive at build time against its own JDK and class path. The local mesh does the same for
 * this host's JDK and each image's class path ({@link MeshClasspath#ofImage}), once per build of the jars: archives
 * are kept under {@code target/cds} by a fingerprint of the JDK, the class path (each jar's size and time) and the
 * list, since the JVM maps an archive only onto the class path it was dumped with. A dump that fails leaves the
 * process to start without an archive, as a JVM does with one it cannot map.
 *
 * <p>In recording mode the processes write the classes they load instead ({@code -XX:DumpLoadedClassList}), and
 * {@link #writeRecordedLists} merges them into the images' lists.
 */
public final class ClassDataArchives {

    private static final Logger log = LoggerFactory.getLogger(ClassDataArchives.class);

    /** The image each mesh process runs from, whose archive it maps. */
    static final Map<String, String> IMAGE_OF_PROCESS = Map.of(
            "agent", "node-agent", "tunnel", "node-agent", "waypoint", "waypoint", "controller", "controller");
    /** A dump takes 5-10 s of one core for 6,000-7,000 classes; far beyond that, something is wrong. */
    private static final long DUMP_TIMEOUT_SECONDS = 180;

    private final Path listsDir;
    private final Path archivesDir;
    private final Function<String, String> classpathOfImage;
    private final Optional<Path> recordDir;
    private final Map<String, CompletableFuture<Optional<Path>>> archives = new ConcurrentHashMap<>();
    private final AtomicInteger recorded = new AtomicInteger();

    /**
     * @param listsDir    the images' class lists ({@code images/cds})
     * @param archivesDir where dumped archives are kept ({@code local-mesh/target/cds})
     * @param classpathOfImage each image's class path ({@link MeshClasspath#ofImage}): jars only, as a dump refuses
     *                         non-empty directories
     * @param recordDir   if present, processes record their loaded classes there instead of mapping an archive
     */
    public ClassDataArchives(Path listsDir, Path archivesDir, Function<String, String> classpathOfImage,
            Optional<Path> recordDir) {
        this.listsDir = listsDir;
        this.archivesDir = archivesDir;
        this.classpathOfImage = classpathOfImage;
        this.recordDir = recordDir;
    }

    /** The images' class lists next to the JVM options of {@link MeshClasspath#jvmOptionsDir}. */
    public static Path listsDir(Path jvmOptionsDir) {
        return jvmOptionsDir.getParent().resolve("cds");
    }

    /** Starts the dumps of every image's archive that is not there yet, in the background: they take seconds each. */
    public void prepare() {
        if (recordDir.isEmpty()) {
            IMAGE_OF_PROCESS.values().stream().distinct().forEach(this::archive);
        }
    }

    /** JVM flags for {@code process}: its image's archive (waiting for its dump), or where to record its classes. */
    public List<String> flagsFor(String process) {
        String image = imageOf(process);
        if (recordDir.isPresent()) {
            String name = image + "." + process + "." + recorded.incrementAndGet() + ".classlist";
            return List.of("-XX:DumpLoadedClassList=" + recordDir.get().resolve(name));
        }
        return archive(image).join().map(archive -> List.of("-XX:SharedArchiveFile=" + archive)).orElse(List.of());
    }

    /**
     * Merges what the processes recorded into {@code images/cds/IMAGE.classlist}, one per image. Call it once the
     * processes have exited: the JVM completes its list on exit.
     */
    public void writeRecordedLists() {
        Path dir = recordDir.orElseThrow(() -> new IllegalStateException("not recording class lists"));
        for (String image : IMAGE_OF_PROCESS.values().stream().distinct().sorted().toList()) {
            List<Path> lists;
            try (Stream<Path> files = Files.list(dir)) {
                lists = files.filter(f -> f.getFileName().toString().startsWith(image + ".")).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list the recorded class lists in " + dir, e);
            }
            if (lists.isEmpty()) {
                throw new IllegalStateException("no process of the " + image + " image recorded its classes in " + dir);
            }
            List<String> merged = ClassLists.merge(lists);
            ClassLists.write(listsDir.resolve(image + ".classlist"), merged);
            log.info("event=class_list_written image={} lines={} from={}", image, merged.size(), lists.size());
        }
    }

    /** The image {@code process} (agent, tunnel, waypoint, controller) runs from. */
    static String imageOf(String process) {
        String image = IMAGE_OF_PROCESS.get(process);
        if (image == null) {
            throw new IllegalArgumentException("no image runs a process named '" + process + "'");
        }
        return image;
    }

    private CompletableFuture<Optional<Path>> archive(String image) {
        // A thread of its own per dump: it waits seconds on a child process, which is no work for a shared pool.
        return archives.computeIfAbsent(image, i -> CompletableFuture.supplyAsync(() -> existingOrDumped(i), task -> {
            Thread thread = new Thread(task, "ambit-local-cds-" + i);
            thread.setDaemon(true);
            thread.start();
        }).exceptionally(error -> {
            log.warn("event=class_data_archive_unavailable image={} reason=\"{}\"", i, error.toString());
            return Optional.empty();
        }));
    }

    private Optional<Path> existingOrDumped(String image) {
        Path list = listsDir.resolve(image + ".classlist");
        if (!Files.isReadable(list)) {
            log.warn("event=class_data_archive_unavailable image={} reason=\"no class list at {}\"", image, list);
            return Optional.empty();
        }
        try {
            String classpath = classpathOfImage.apply(image);
            Path archive = archivesDir.resolve(image + "-" + fingerprint(list, classpath) + ".jsa");
            if (Files.isRegularFile(archive)) {
                return Optional.of(archive);
            }
            removeOlderArchives(image);
            return dump(image, list, classpath, archive);
        } catch (IOException e) {
            log.warn("event=class_data_archive_unavailable image={} reason=\"{}\"", image, e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<Path> dump(String image, Path list, String classpath, Path archive) throws IOException {
        Files.createDirectories(archivesDir);
        Path partial = archivesDir.resolve(archive.getFileName() + "." + ProcessHandle.current().pid() + ".partial");
        Path output = archivesDir.resolve(image + ".dump.log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:dump", "-XX:SharedClassListFile=" + list, "-XX:SharedArchiveFile=" + partial,
                "-cp", classpath);
        long started = System.nanoTime();
        Process java = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        try {
            if (!java.waitFor(DUMP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                java.destroyForcibly();
                throw new IOException("the dump took over " + DUMP_TIMEOUT_SECONDS + " s; see " + output);
            }
        } catch (InterruptedException e) {
            java.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while dumping", e);
        }
        if (java.exitValue() != 0 || !Files.isRegularFile(partial)) {
            Files.deleteIfExists(partial);
            throw new IOException("the dump failed (exit " + java.exitValue() + "); see " + output);
        }
        Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        log.info("event=class_data_archive_dumped image={} archive={} millis={}", image, archive,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return Optional.of(archive);
    }

    /** Archives of earlier builds: 40-60 MiB each, and no JVM maps them onto today's jars. */
    private void removeOlderArchives(String image) throws IOException {
        if (!Files.isDirectory(archivesDir)) {
            return;
        }
        try (Stream<Path> files = Files.list(archivesDir)) {
            for (Path old : files.filter(f -> f.getFileName().toString().matches(
                    Pattern.quote(image) + "-[0-9a-f]+\\.jsa")).toList()) {
                Files.deleteIfExists(old);
            }
        }
    }

    /** What an archive depends on: the JDK, each class path entry as it is on disk, and the class list. */
    static String fingerprint(Path list, String classpath) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<String> parts = new ArrayList<>(List.of(System.getProperty("java.home"),
                System.getProperty("java.vm.version"), classpath));
        for (String entry : classpath.split(File.pathSeparator)) {
            Path path = Path.of(entry);
            parts.add(Files.exists(path)
                    ? Files.size(path) + "@" + Files.getLastModifiedTime(path).toMillis() : "missing");
        }
        parts.forEach(part -> sha.update((part + "\n").getBytes(StandardCharsets.UTF_8)));
        sha.update(Files.readAllBytes(list));
        return HexFormat.of().formatHex(sha.digest(), 0, 8);
    }
}
