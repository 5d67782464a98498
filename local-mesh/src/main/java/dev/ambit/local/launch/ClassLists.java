package dev.ambit.local.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The class lists behind the images' class-data-sharing archives ({@code images/cds/IMAGE.classlist}): what the JVM
 * wrote with {@code -XX:DumpLoadedClassList} while the local mesh's demo ran, merged per image and kept only where a
 * later {@code -Xshare:dump} can archive it.
 */
public final class ClassLists {

    static final String HEADER = """
            # The classes a static class-data-sharing archive of this image holds (`java -Xshare:dump
            # -XX:SharedClassListFile=...`): recorded by `./dev demo --record-class-lists` from every process of this
            # image during the local mesh's demo (images/README.md, "Class-data sharing"). A class missing from the
            # class path is skipped at dump time, so a stale list costs start-up time, not correctness.
            """;
    /**
     * Classes generated at run time, which no dump can find: the JDK's proxies, JFR's event handlers and lambdas'
     * hidden classes (which the {@code @lambda-proxy} lines archive instead).
     */
    private static final Pattern GENERATED = Pattern.compile("\\$Proxy\\d|^jdk/jfr/internal/handlers/|\\$\\$Lambda");

    private ClassLists() {
    }

    /**
     * The lines of {@code recorded} lists (in order, each line once) that a dump can use: class names, and the
     * JDK's {@code @lambda-proxy} and {@code @lambda-form-invoker} lines, which archive what lambdas and method
     * handles generate at start-up. Comments, classes of other class loaders ({@code source:}) and generated
     * classes are dropped.
     */
    public static List<String> merge(List<Path> recorded) {
        Set<String> lines = new LinkedHashSet<>();
        for (Path list : recorded) {
            for (String line : read(list)) {
                String kept = line.strip();
                if (!kept.isEmpty() && !kept.startsWith("#") && !kept.contains(" source: ")
                        && !GENERATED.matcher(kept).find()) {
                    lines.add(kept);
                }
            }
        }
        return new ArrayList<>(lines);
    }

    /** Writes {@code lines} to {@code file} under the header that says where they came from. */
    public static void write(Path file, List<String> lines) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, HEADER + String.join("\n", lines) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the class list " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<String> read(Path list) {
        try {
            return Files.readAllLines(list);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the recorded class list " + list + ": " + e.getMessage(), e);
        }
    }
}
