package dev.ambit.api.identity;

/** A string that is not a valid Ambit SPIFFE ID; the message says which part is wrong. */
public final class InvalidSpiffeIdException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidSpiffeIdException(String message) {
        super(message);
    }
}
