package dev.ambit.host.bpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;

/** A {@code bpf_link}: an attachment that survives this process when pinned in bpffs. */
public final class BpfLink implements AutoCloseable {

    /** {@code struct bpf_link_info}: type, id, prog_id, then the 8-aligned union whose cgroup member starts with cgroup_id. */
    private static final int LINK_INFO_SIZE = 32;
    private static final int CGROUP_ID_OFFSET = 16;

    private final LibbpfRuntime libbpf;
    private Pointer link;

    BpfLink(LibbpfRuntime libbpf, Pointer link) {
        this.libbpf = libbpf;
        this.link = link;
    }

    public static BpfLink openPinned(Path pin) {
        LibbpfRuntime libbpf = LibbpfRuntime.get();
        return new BpfLink(libbpf, libbpf.check("bpf_link__open(" + pin + ")", libbpf.libbpf().bpf_link__open(pin.toString())));
    }

    public void pin(Path path) {
        libbpf.check("bpf_link__pin(" + path + ")", libbpf.libbpf().bpf_link__pin(link(), path.toString()));
    }

    /** Atomically swaps the attached program: steering never has a gap during an agent upgrade. */
    public void replaceProgram(BpfProgram program) {
        libbpf.check("bpf_link__update_program(" + program.name() + ")",
                libbpf.libbpf().bpf_link__update_program(link(), program.pointer()));
    }

    /** The cgroup this link is attached to; 0 once that cgroup was removed (the link is then defunct). */
    public long cgroupId() {
        int fd = libbpf.check("bpf_link__fd", libbpf.libbpf().bpf_link__fd(link()));
        byte[] info = new byte[LINK_INFO_SIZE];
        libbpf.check("bpf_obj_get_info_by_fd(link)",
                libbpf.libbpf().bpf_obj_get_info_by_fd(fd, info, new IntByReference(info.length)));
        return ByteBuffer.wrap(info).order(ByteOrder.nativeOrder()).getLong(CGROUP_ID_OFFSET);
    }

    /** Detaches now, whoever else still holds the link (another process, a pin). */
    public void detach() {
        libbpf.check("bpf_link__detach", libbpf.libbpf().bpf_link__detach(link()));
    }

    private Pointer link() {
        if (link == null) {
            throw new IllegalStateException("BPF link is closed");
        }
        return link;
    }

    /** Drops this process's reference; a pinned link stays attached. */
    @Override
    public void close() {
        if (link != null) {
            libbpf.libbpf().bpf_link__destroy(link);
            link = null;
        }
    }
}
