package dev.ambit.host.bpf;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The compiled eBPF programs that ambit-bpf packages on the class path. */
public final class PackagedPrograms {

    /** The node agent's traffic-steering programs and their maps. */
    public static final String REDIRECT_RESOURCE = "/dev/ambit/bpf/ambit_redirect.bpf.o";

    private PackagedPrograms() {
    }

    /** The steering object's ELF bytes, for {@link BpfObject#open}. */
    public static byte[] redirect() {
        try (InputStream in = PackagedPrograms.class.getResourceAsStream(REDIRECT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(REDIRECT_RESOURCE + " is not on the class path: ambit-bpf is missing");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + REDIRECT_RESOURCE, e);
        }
    }
}
