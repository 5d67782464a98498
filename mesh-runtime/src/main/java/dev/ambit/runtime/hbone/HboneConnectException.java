package dev.ambit.runtime.hbone;

import java.io.IOException;

/** The HBONE peer did not accept a CONNECT. */
public final class HboneConnectException extends IOException {
    private static final long serialVersionUID = 1L;

    public HboneConnectException(String authority, String answer) {
        super("CONNECT " + authority + " refused: " + answer);
    }
}
