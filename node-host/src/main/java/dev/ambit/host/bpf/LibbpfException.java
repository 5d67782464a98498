package dev.ambit.host.bpf;

import java.util.List;

/** A failed libbpf call: names the call, the errno and what libbpf printed about it. */
public final class LibbpfException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    LibbpfException(String call, int errno, String reason, List<String> libbpfLines) {
        super(message(call, errno, reason, libbpfLines));
        this.call = call;
        this.errno = errno;
    }

    private static String message(String call, int errno, String reason, List<String> libbpfLines) {
        StringBuilder message = new StringBuilder(call).append(" failed: ").append(reason)
                .append(" (errno ").append(errno).append(')');
        if (!libbpfLines.isEmpty()) {
            message.append("; libbpf said:");
            libbpfLines.forEach(line -> message.append("\n  ").append(line));
        }
        return message.toString();
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }
}
