package dev.ambit.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MountTableTest {

    private static final MountTable HYBRID = MountTable.parse(List.of(
            "sysfs /sys sysfs rw,nosuid 0 0",
            "tmpfs /sys/fs/cgroup tmpfs rw,relatime,mode=755 0 0",
            "cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0",
            "cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0",
            "bpf /sys/fs/bpf bpf rw,relatime 0 0",
            "tmpfs /mnt/with\\040space tmpfs rw 0 0"));

    @Test
    void findsTheCgroupV2MountOfAHybridHost() {
        assertEquals(Path.of("/sys/fs/cgroup/unified"), Cgroup2.root(HYBRID));
    }

    @Test
    void aPathLivesOnTheDeepestMountAbove() {
        assertEquals(Optional.of("cgroup2"), HYBRID.containing(Path.of("/sys/fs/cgroup/unified/kubepods/pod1")).map(MountTable.Mount::type));
        assertEquals(Optional.of("tmpfs"), HYBRID.containing(Path.of("/sys/fs/cgroup/unifiedx")).map(MountTable.Mount::type));
        assertEquals(Optional.of("sysfs"), HYBRID.containing(Path.of("/sys/fs/bpfx")).map(MountTable.Mount::type));
    }

    @Test
    void decodesOctalEscapes() {
        assertEquals(Optional.of(Path.of("/mnt/with space")),
                HYBRID.containing(Path.of("/mnt/with space/x")).map(MountTable.Mount::mountPoint));
    }
}
