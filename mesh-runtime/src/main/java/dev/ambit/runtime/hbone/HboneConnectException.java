package dev.ambit.runtime.hbone;

import java.io.IOException;
import java.util.OptionalInt;

/** The HBONE peer did not accept a CONNECT. */
public final class HboneConnectException extends IOException {
    private static final long serialVersionUID = 1L;
    /** The answer's HTTP status when the peer answered one (a node tunnel's policy refusal is 403), else -1. */
    private final int status;

    public HboneConnectException(String authority, String answer) {
        this(authority, answer, -1);
    }

    /** The peer answered the CONNECT with {@code status}, not 200. */
    public HboneConnectException(String authority, int status) {
        this(authority, "status " + status, status);
    }

    private HboneConnectException(String authority, String answer, int status) {
        super("CONNECT " + authority + " refused: " + answer);
        this.status = status;
    }

    /** The status the peer answered the CONNECT with; empty when it answered none (reset, timeout, closed). */
    public OptionalInt status() {
        return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
    }
}
