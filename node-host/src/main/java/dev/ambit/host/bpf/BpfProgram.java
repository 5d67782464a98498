package dev.ambit.host.bpf;

import java.nio.file.Path;
import jnr.ffi.Pointer;

/** A program of a loaded {@link BpfObject}; valid while the object is open. */
public final class BpfProgram {

    private final LibbpfRuntime libbpf;
    private final String name;
    private final Pointer program;

    BpfProgram(LibbpfRuntime libbpf, String name, Pointer program) {
        this.libbpf = libbpf;
        this.name = name;
        this.program = program;
    }

    public String name() {
        return name;
    }

    Pointer pointer() {
        return program;
    }

    /** Attaches to a cgroup v2 directory through a {@code bpf_link}: it detaches when its last reference (fd or pin) goes. */
    public BpfLink attachToCgroup(Path cgroupDirectory) {
        int cgroupFd = libbpf.openReadOnly(cgroupDirectory.toString());
        try {
            Pointer link = libbpf.check("bpf_program__attach_cgroup(" + name + ", " + cgroupDirectory + ")",
                    libbpf.libbpf().bpf_program__attach_cgroup(program, cgroupFd));
            return new BpfLink(libbpf, link);
        } finally {
            libbpf.close(cgroupFd);
        }
    }

    /** Attaches to a sockmap/sockhash; the attachment lives as long as the map and is replaced by a later attach. */
    public void attachToMap(BpfMap map, AttachType type) {
        int fd = libbpf.check("bpf_program__fd(" + name + ")", libbpf.libbpf().bpf_program__fd(program));
        libbpf.check("bpf_prog_attach(" + name + ", " + map.name() + ")",
                libbpf.libbpf().bpf_prog_attach(fd, map.fd(), type.kernelValue(), 0));
    }
}
