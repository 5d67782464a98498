package dev.ambit.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** cgroup v2 facts and chores: where the hierarchy is mounted, a directory's cgroup id, removing a tree. */
public final class Cgroup2 {

    public static final String FS_TYPE = "cgroup2";

    private Cgroup2() {
    }

    /**
     * The cgroup v2 mount: {@code /sys/fs/cgroup} on unified hosts, {@code /sys/fs/cgroup/unified} on hybrid ones.
     *
     * @throws IllegalStateException naming the fix when there is none
     */
    public static Path root(MountTable mounts) {
        return mounts.firstOfType(FS_TYPE).map(MountTable.Mount::mountPoint).orElseThrow(() -> new IllegalStateException(
                "no cgroup v2 hierarchy is mounted; mount one (mount -t cgroup2 none /sys/fs/cgroup/unified) "
                        + "or boot with systemd.unified_cgroup_hierarchy=1"));
    }

    /**
     * Checks that a directory is a cgroup v2 cgroup, with a message that names what is wrong.
     *
     * @throws IllegalArgumentException when it is not
     */
    public static Path requireCgroup(Path directory, MountTable mounts) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("cgroup " + directory + " does not exist");
        }
        boolean onCgroup2 = mounts.containing(directory).filter(mount -> mount.type().equals(FS_TYPE)).isPresent();
        if (!onCgroup2) {
            throw new IllegalArgumentException(directory + " is not a cgroup v2 directory (cgroup v2 is mounted at "
                    + mounts.firstOfType(FS_TYPE).map(m -> m.mountPoint().toString()).orElse("nowhere") + ")");
        }
        return directory;
    }

    /** The id BPF programs see ({@code bpf_get_current_cgroup_id}): the cgroup directory's inode number. */
    public static long id(Path directory) {
        try {
            return (Long) Files.getAttribute(directory, "unix:ino");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cgroup id of " + directory, e);
        }
    }

    /**
     * The kubelet's pods cgroup under {@code root}: {@code kubepods.slice} (systemd driver) or {@code kubepods}
     * (cgroupfs driver).
     */
    public static Path kubeletPodsCgroup(Path root) {
        for (String name : new String[] {"kubepods.slice", "kubepods"}) {
            Path candidate = root.resolve(name);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no kubepods cgroup under " + root
                + " (looked for kubepods.slice and kubepods); pass --pods-cgroup");
    }

    /**
     * Kills every process left in the cgroup tree under {@code top} ({@code cgroup.kill}, kernel 5.14+), then removes
     * its cgroups bottom-up. Absent trees are fine: teardown is idempotent.
     */
    public static void removeTree(Path top) {
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
