package dev.ambit.host.bpf;

/** libbpf 1.x cannot be loaded on this host. */
public final class LibbpfUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    LibbpfUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
