package dev.ambit.host.bpf;

import java.lang.ref.Reference;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Pointer;

/**
 * A BPF ELF object opened from bytes (the packaged resource), then loaded into the kernel.
 * Closing it releases the programs and maps unless links or pins still hold them.
 */
public final class BpfObject implements AutoCloseable {

    private final LibbpfRuntime libbpf;
    /** libbpf keeps pointing into the ELF bytes until the object is closed. */
    private final Pointer elf;
    private Pointer object;

    private BpfObject(LibbpfRuntime libbpf, Pointer elf, Pointer object) {
        this.libbpf = libbpf;
        this.elf = elf;
        this.object = object;
    }

    public static BpfObject open(byte[] elfBytes) {
        LibbpfRuntime libbpf = LibbpfRuntime.get();
        Pointer elf = libbpf.copyToNative(elfBytes);
        Pointer object = libbpf.check("bpf_object__open_mem", libbpf.libbpf().bpf_object__open_mem(elf, elfBytes.length, null));
        return new BpfObject(libbpf, elf, object);
    }

    public List<String> mapNames() {
        List<String> names = new ArrayList<>();
        for (Pointer map = next(null); map != null; map = next(map)) {
            names.add(libbpf.libbpf().bpf_map__name(map));
        }
        return names;
    }

    private Pointer next(Pointer previous) {
        Pointer map = libbpf.libbpf().bpf_object__next_map(object(), previous);
        return map == null || map.address() == 0 ? null : map;
    }

    /**
     * Before {@link #load()}: every map is pinned as {@code directory/<map name>}; a map already
     * pinned there (by an earlier agent) is reused instead of created, which is how state survives restarts.
     */
    public void pinMapsIn(Path directory) {
        for (Pointer map = next(null); map != null; map = next(map)) {
            String path = directory.resolve(libbpf.libbpf().bpf_map__name(map)).toString();
            libbpf.check("bpf_map__set_pin_path(" + path + ")", libbpf.libbpf().bpf_map__set_pin_path(map, path));
        }
    }

    public void load() {
        libbpf.check("bpf_object__load", libbpf.libbpf().bpf_object__load(object()));
    }

    public BpfProgram program(String name) {
        Pointer program = libbpf.check("bpf_object__find_program_by_name(" + name + ")",
                libbpf.libbpf().bpf_object__find_program_by_name(object(), name));
        return new BpfProgram(libbpf, name, program);
    }

    public BpfMap map(String name) {
        Pointer map = libbpf.check("bpf_object__find_map_by_name(" + name + ")",
                libbpf.libbpf().bpf_object__find_map_by_name(object(), name));
        return BpfMap.ownedByObject(libbpf, name, libbpf.check("bpf_map__fd(" + name + ")", libbpf.libbpf().bpf_map__fd(map)));
    }

    private Pointer object() {
        if (object == null) {
            throw new IllegalStateException("BPF object is closed");
        }
        return object;
    }

    @Override
    public void close() {
        if (object != null) {
            libbpf.libbpf().bpf_object__close(object);
            object = null;
            Reference.reachabilityFence(elf);
        }
    }
}
