package dev.ambit.cli.chart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Ambit chart shipped in this jar ({@code /chart/ambit}), copied to a temporary directory because Helm reads
 * charts from the file system. Closing removes the copy.
 */
public final class BundledChart implements AutoCloseable {

    private static final String MARKER = "/chart/ambit/Chart.yaml";

    private final Path directory;

    private BundledChart(Path directory) {
        this.directory = directory;
    }

    public static BundledChart extract() {
        URL marker = BundledChart.class.getResource(MARKER);
        if (marker == null) {
            throw new IllegalStateException("this build of ambit has no bundled chart (" + MARKER + ")");
        }
        try {
            URI uri = marker.toURI();
            Path target = Files.createTempDirectory("ambit-chart-").resolve("ambit");
            if ("jar".equals(uri.getScheme())) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    copyTree(jar.provider().getPath(uri).getParent(), target);
                }
            } else {
                copyTree(Path.of(uri).getParent(), target);
            }
            return new BundledChart(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the bundled chart: " + e.getMessage(), e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path directory() {
        return directory;
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                // Relativized as strings: the source may live in the jar's file system, the target does not.
                Path destination = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(file, destination);
                }
            }
        }
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(directory.getParent())) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the unpacked chart " + directory, e);
        }
    }
}
