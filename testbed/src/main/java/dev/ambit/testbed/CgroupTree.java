package dev.ambit.testbed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Removing a cgroup v2 tree the testbed made, with every process still in it. */
public final class CgroupTree {

    private CgroupTree() {
    }

    /**
     * Kills what runs in the tree under {@code top} ({@code cgroup.kill}, kernel 5.14+), then removes its cgroups
     * bottom-up. An absent tree is fine: teardown may run twice.
     */
    public static void remove(Path top) {
        if (!Files.isDirectory(top)) {
            return;
        }
        try (Stream<Path> tree = Files.walk(top)) {
            List<Path> cgroups = tree.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList();
            for (Path cgroup : cgroups) {
                Files.writeString(cgroup.resolve("cgroup.kill"), "1");
                // A killed task leaves cgroup.procs at once but keeps the cgroup busy until it is reaped.
                for (int attempt = 0; attempt < 250 && isPopulated(cgroup); attempt++) {
                    Thread.sleep(20);
                }
                Files.delete(cgroup);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove cgroup tree " + top + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean isPopulated(Path cgroup) throws IOException {
        return Files.readString(cgroup.resolve("cgroup.events")).contains("populated 1");
    }
}
