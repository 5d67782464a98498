package dev.ambit.nodeagent.testing;

import dev.ambit.host.bpf.AttachType;
import dev.ambit.host.bpf.LibbpfRuntime;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import jnr.ffi.LibraryLoader;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;

/** Which programs the kernel has attached to a cgroup ({@code bpf_prog_query}), to prove nothing is left. */
public final class AttachedPrograms {

    private static final int MAX_PROGRAMS = 64;
    private static final Query QUERY = LibraryLoader.create(Query.class).failImmediately().load("libbpf.so.1");

    public interface Query {
        int bpf_prog_query(int targetFd, int attachType, int queryFlags, IntByReference attachFlags,
                           @Out int[] programIds, IntByReference programCount);
    }

    private AttachedPrograms() {
    }

    /** Program ids attached directly to this cgroup, over the steering attach types. */
    public static Set<Integer> on(Path cgroup) {
        LibbpfRuntime libbpf = LibbpfRuntime.get();
        int fd = libbpf.openReadOnly(cgroup.toString());
        try {
            Set<Integer> ids = new HashSet<>();
            for (AttachType type : AttachType.values()) {
                if (type == AttachType.SK_MSG_VERDICT) {
                    continue;
                }
                int[] programIds = new int[MAX_PROGRAMS];
                IntByReference count = new IntByReference(MAX_PROGRAMS);
                int result = QUERY.bpf_prog_query(fd, type.kernelValue(), 0, null, programIds, count);
                if (result < 0) {
                    throw new IllegalStateException("bpf_prog_query(" + cgroup + ", " + type + ") failed: " + result);
                }
                Arrays.stream(programIds, 0, count.intValue()).forEach(ids::add);
            }
            return ids;
        } finally {
            libbpf.close(fd);
        }
    }
}
