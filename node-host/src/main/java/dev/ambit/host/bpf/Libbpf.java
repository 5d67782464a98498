package dev.ambit.host.bpf;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.Delegate;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;

/**
 * The part of libbpf 1.x ({@code libbpf.so.1}) the agent uses. Objects, programs, maps and links
 * are opaque pointers. Pointer-returning calls give NULL and set errno; int-returning calls give
 * {@code -errno}. {@link LibbpfRuntime} turns both into {@link LibbpfException}s.
 */
public interface Libbpf {

    Pointer bpf_object__open_mem(Pointer buffer, long size, Pointer options);

    int bpf_object__load(Pointer object);

    void bpf_object__close(Pointer object);

    Pointer bpf_object__find_program_by_name(Pointer object, String name);

    Pointer bpf_object__find_map_by_name(Pointer object, String name);

    Pointer bpf_object__next_map(Pointer object, Pointer previous);

    String bpf_map__name(Pointer map);

    int bpf_map__set_pin_path(Pointer map, String path);

    int bpf_map__fd(Pointer map);

    int bpf_program__fd(Pointer program);

    Pointer bpf_program__attach_cgroup(Pointer program, int cgroupFd);

    int bpf_link__pin(Pointer link, String path);

    Pointer bpf_link__open(String path);

    int bpf_link__fd(Pointer link);

    int bpf_link__update_program(Pointer link, Pointer program);

    int bpf_link__detach(Pointer link);

    int bpf_link__destroy(Pointer link);

    int bpf_obj_get(String path);

    /** {@code struct bpf_obj_get_opts}: {@code size_t sz; __u32 file_flags;} padded to 16 bytes (libbpf 1.0+). */
    int bpf_obj_get_opts(String path, @In byte[] options);

    int bpf_obj_get_info_by_fd(int fd, @Out byte[] info, IntByReference infoLength);

    int bpf_prog_attach(int programFd, int targetFd, int attachType, int flags);

    int bpf_map_lookup_elem(int mapFd, @In byte[] key, @Out byte[] value);

    int bpf_map_update_elem(int mapFd, @In byte[] key, @In byte[] value, long flags);

    int bpf_map_delete_elem(int mapFd, @In byte[] key);

    int bpf_map_get_next_key(int mapFd, @In byte[] key, @Out byte[] nextKey);

    int libbpf_num_possible_cpus();

    int libbpf_major_version();

    int libbpf_minor_version();

    Pointer libbpf_set_print(PrintCallback callback);

    /** {@code int (*)(enum libbpf_print_level, const char *format, va_list args)}. */
    interface PrintCallback {
        @Delegate
        int print(int level, Pointer format, Pointer args);
    }
}
