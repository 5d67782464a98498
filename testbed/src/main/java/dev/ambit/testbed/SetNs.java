package dev.ambit.testbed;

import java.nio.file.Path;
import jnr.ffi.LibraryLoader;

/** setns(2) for the calling thread, through libc. */
final class SetNs {

    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;

    /** The few libc calls the JDK has no API for. */
    public interface LibC {
        int open(String path, int flags);

        int setns(int fd, int nstype);

        int close(int fd);
    }

    private static final class Holder {
        static final LibC LIBC = LibraryLoader.create(LibC.class).failImmediately().load("c");
    }

    private SetNs() {
    }

    static void enter(Path netns) {
        LibC libc = Holder.LIBC;
        int fd = libc.open(netns.toString(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            throw new IllegalStateException("cannot open " + netns);
        }
        try {
            if (libc.setns(fd, CLONE_NEWNET) != 0) {
                throw new IllegalStateException("setns into " + netns + " failed");
            }
        } finally {
            libc.close(fd);
        }
    }
}
