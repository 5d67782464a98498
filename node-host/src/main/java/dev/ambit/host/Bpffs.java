package dev.ambit.host;

import dev.ambit.host.bpf.LibbpfRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The BPF file system, where programs and maps are pinned so that they outlive the agent process. */
public final class Bpffs {

    public static final String FS_TYPE = "bpf";
    public static final Path DEFAULT_MOUNT_POINT = Path.of("/sys/fs/bpf");

    private static final Logger LOG = LoggerFactory.getLogger(Bpffs.class);

    private Bpffs() {
    }

    public static boolean isOnBpffs(Path path, MountTable mounts) {
        return mounts.containing(path).filter(mount -> mount.type().equals(FS_TYPE)).isPresent();
    }

    /** Mounts bpffs on {@code mountPoint} unless that directory already is on one, as Cilium does. */
    public static void ensureMounted(Path mountPoint, MountTable mounts) {
        if (isOnBpffs(mountPoint, mounts)) {
            return;
        }
        if (!Files.isDirectory(mountPoint)) {
            throw new IllegalStateException("cannot mount bpffs: " + mountPoint + " does not exist; create it or choose another pin root");
        }
        LibbpfRuntime.get().mount(FS_TYPE, mountPoint.toString(), FS_TYPE);
        LOG.info("event=bpffs_mounted path={}", mountPoint);
    }
}
