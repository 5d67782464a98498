package dev.ambit.host.bpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jnr.ffi.byref.IntByReference;

/**
 * A BPF map by file descriptor, either one of a loaded object's maps or a pinned map opened by
 * path. Keys and values are the raw bytes of the C structs; per-CPU maps take and give
 * {@code round_up(value_size, 8) * possible CPUs} bytes.
 */
public final class BpfMap implements AutoCloseable {

    private static final int ENOENT = 2;
    /** {@code struct bpf_map_info}: type, id, key_size, value_size. */
    private static final int MAP_INFO_SIZE = 16;
    private static final int BPF_MAP_TYPE_PERCPU_HASH = 5;
    private static final int BPF_MAP_TYPE_PERCPU_ARRAY = 6;
    private static final int BPF_MAP_TYPE_LRU_PERCPU_HASH = 10;
    /** {@code BPF_F_RDONLY}: the descriptor reads the map, never writes it. */
    private static final int BPF_F_RDONLY = 1 << 3;
    private static final int OBJ_GET_OPTS_SIZE = 16;

    private final LibbpfRuntime libbpf;
    private final String name;
    private final boolean ownsFd;
    private final int id;
    private final int keySize;
    private final int valueStorageSize;
    private int fd;

    private BpfMap(LibbpfRuntime libbpf, String name, int fd, boolean ownsFd) {
        this.libbpf = libbpf;
        this.name = name;
        this.fd = fd;
        this.ownsFd = ownsFd;
        byte[] info = new byte[MAP_INFO_SIZE];
        libbpf.check("bpf_obj_get_info_by_fd(" + name + ")",
                libbpf.libbpf().bpf_obj_get_info_by_fd(fd, info, new IntByReference(info.length)));
        ByteBuffer fields = ByteBuffer.wrap(info).order(ByteOrder.nativeOrder());
        int type = fields.getInt(0);
        this.id = fields.getInt(4);
        this.keySize = fields.getInt(8);
        int valueSize = fields.getInt(12);
        boolean perCpu = type == BPF_MAP_TYPE_PERCPU_HASH || type == BPF_MAP_TYPE_PERCPU_ARRAY
                || type == BPF_MAP_TYPE_LRU_PERCPU_HASH;
        this.valueStorageSize = perCpu ? roundUpTo8(valueSize) * libbpf.possibleCpus() : valueSize;
    }

    private static int roundUpTo8(int size) {
        return (size + 7) & ~7;
    }

    static BpfMap ownedByObject(LibbpfRuntime libbpf, String name, int fd) {
        return new BpfMap(libbpf, name, fd, false);
    }

    public static BpfMap openPinned(Path pin) {
        LibbpfRuntime libbpf = LibbpfRuntime.get();
        int fd = libbpf.check("bpf_obj_get(" + pin + ")", libbpf.libbpf().bpf_obj_get(pin.toString()));
        return new BpfMap(libbpf, pin.getFileName().toString(), fd, true);
    }

    /**
     * For a process that only reads what another pinned (the tunnel reading the agent's maps): a read-only
     * descriptor, so it cannot change steering even by mistake.
     */
    public static BpfMap openPinnedReadOnly(Path pin) {
        LibbpfRuntime libbpf = LibbpfRuntime.get();
        byte[] options = ByteBuffer.allocate(OBJ_GET_OPTS_SIZE).order(ByteOrder.nativeOrder())
                .putLong(OBJ_GET_OPTS_SIZE).putInt(BPF_F_RDONLY).array();
        int fd = libbpf.check("bpf_obj_get(" + pin + ", read-only)", libbpf.libbpf().bpf_obj_get_opts(pin.toString(), options));
        return new BpfMap(libbpf, pin.getFileName().toString(), fd, true);
    }

    /** The map's kernel id: the same id is the same map, whoever opened it and however. */
    public int id() {
        return id;
    }

    public String name() {
        return name;
    }

    int fd() {
        if (fd < 0) {
            throw new IllegalStateException("BPF map " + name + " is closed");
        }
        return fd;
    }

    public Optional<byte[]> lookup(byte[] key) {
        requireKeySize(key);
        byte[] value = new byte[valueStorageSize];
        int result = libbpf.libbpf().bpf_map_lookup_elem(fd(), key, value);
        if (result == -ENOENT) {
            return Optional.empty();
        }
        libbpf.check("bpf_map_lookup_elem(" + name + ")", result);
        return Optional.of(value);
    }

    public void update(byte[] key, byte[] value) {
        requireKeySize(key);
        if (value.length != valueStorageSize) {
            throw new IllegalArgumentException(name + ": value is " + value.length + " bytes, map stores " + valueStorageSize);
        }
        libbpf.check("bpf_map_update_elem(" + name + ")", libbpf.libbpf().bpf_map_update_elem(fd(), key, value, 0));
    }

    /** @return whether the key was present */
    public boolean delete(byte[] key) {
        requireKeySize(key);
        int result = libbpf.libbpf().bpf_map_delete_elem(fd(), key);
        if (result == -ENOENT) {
            return false;
        }
        libbpf.check("bpf_map_delete_elem(" + name + ")", result);
        return true;
    }

    public List<byte[]> keys() {
        List<byte[]> keys = new ArrayList<>();
        byte[] key = null;
        while (true) {
            byte[] next = new byte[keySize];
            int result = libbpf.libbpf().bpf_map_get_next_key(fd(), key, next);
            if (result == -ENOENT) {
                return keys;
            }
            libbpf.check("bpf_map_get_next_key(" + name + ")", result);
            keys.add(next);
            key = next;
        }
    }

    private void requireKeySize(byte[] key) {
        if (key.length != keySize) {
            throw new IllegalArgumentException(name + ": key is " + key.length + " bytes, map expects " + keySize);
        }
    }

    @Override
    public void close() {
        if (ownsFd && fd >= 0) {
            libbpf.close(fd);
        }
        fd = -1;
    }
}
