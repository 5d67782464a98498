package dev.ambit.host.bpf;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * The loaded libbpf and libc, shared by every BPF wrapper, and the one place where libbpf's return
 * conventions become exceptions.
 */
public final class LibbpfRuntime {

    private static final Object LOCK = new Object();
    private static LibbpfRuntime instance;

    private final Libbpf libbpf;
    private final LibC libc;
    private final Runtime runtime;
    private final LibbpfLog log;

    private LibbpfRuntime(Libbpf libbpf, LibC libc) {
        this.libbpf = libbpf;
        this.libc = libc;
        this.runtime = Runtime.getRuntime(libbpf);
        this.log = new LibbpfLog(libc);
        libbpf.libbpf_set_print(log);
    }

    /**
     * Loads libbpf on first use.
     *
     * @throws LibbpfUnavailableException when libbpf.so.1 is missing or older than 1.0
     */
    public static LibbpfRuntime get() {
        synchronized (LOCK) {
            if (instance == null) {
                instance = new LibbpfRuntime(loadLibbpf(), LibraryLoader.create(LibC.class).failImmediately().load("c"));
            }
            return instance;
        }
    }

    private static Libbpf loadLibbpf() {
        Libbpf libbpf;
        try {
            // Only the versioned name exists without libbpf-dev; it is also the ABI this interface is written for.
            libbpf = LibraryLoader.create(Libbpf.class).failImmediately().load("libbpf.so.1");
        } catch (UnsatisfiedLinkError e) {
            throw new LibbpfUnavailableException("libbpf.so.1 not found (" + e.getMessage()
                    + "); install libbpf 1.x: apt-get install libbpf1", e);
        }
        if (libbpf.libbpf_major_version() < 1) {
            throw new LibbpfUnavailableException("libbpf " + libbpf.libbpf_major_version() + "."
                    + libbpf.libbpf_minor_version() + " is too old; install libbpf 1.x: apt-get install libbpf1", null);
        }
        return libbpf;
    }

    Libbpf libbpf() {
        return libbpf;
    }

    LibC libc() {
        return libc;
    }

    public String version() {
        return libbpf.libbpf_major_version() + "." + libbpf.libbpf_minor_version();
    }

    public int possibleCpus() {
        return check("libbpf_num_possible_cpus", libbpf.libbpf_num_possible_cpus());
    }

    /** Returns {@code result} when it is not {@code -errno}. */
    int check(String call, int result) {
        if (result < 0) {
            throw failure(call, -result);
        }
        return result;
    }

    /** Returns {@code result} when it is not NULL; NULL means errno tells why. */
    Pointer check(String call, Pointer result) {
        if (result == null || result.address() == 0) {
            throw failure(call, runtime.getLastError());
        }
        return result;
    }

    LibbpfException failure(String call, int errno) {
        return new LibbpfException(call, errno, libc.strerror(errno), log.takeWarnings());
    }

    /** Native memory that lives as long as the returned pointer is reachable. */
    Pointer copyToNative(byte[] bytes) {
        Pointer memory = Memory.allocateDirect(runtime, bytes.length);
        memory.put(0, bytes, 0, bytes.length);
        return memory;
    }

    /** Opens a file read-only for its descriptor, e.g. a cgroup directory to attach to. */
    public int openReadOnly(String path) {
        int fd = libc.open(path, LibC.O_RDONLY | LibC.O_CLOEXEC);
        if (fd < 0) {
            throw failure("open(" + path + ")", runtime.getLastError());
        }
        return fd;
    }

    public void close(int fd) {
        libc.close(fd);
    }

    /** mount(2) with no flags and no data. */
    public void mount(String source, String target, String fileSystemType) {
        if (libc.mount(source, target, fileSystemType, 0, null) != 0) {
            throw failure("mount(" + fileSystemType + " on " + target + ")", runtime.getLastError());
        }
    }
}
