package dev.ambit.host.bpf;

import jnr.ffi.Pointer;
import jnr.ffi.byref.PointerByReference;

/** The few libc calls the JDK has no API for: directory fds, mount(2), and formatting libbpf's va_list. */
public interface LibC {

    int O_RDONLY = 0;
    int O_CLOEXEC = 0x80000;

    int open(String path, int flags);

    int close(int fd);

    int mount(String source, String target, String fileSystemType, long flags, Pointer data);

    String strerror(int errno);

    int vasprintf(PointerByReference result, Pointer format, Pointer args);

    void free(Pointer pointer);
}
