package dev.ambit.api.identity;

/** PEM input that is empty, corrupted or of the wrong kind; the message names the source and the problem. */
public final class PemException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public PemException(String message) {
        super(message);
    }
}
