package dev.ambit.cli;

/** A failure the user can act on; its message is printed as is, without a stack trace. */
public final class UserException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UserException(String message) {
        super(message);
    }
}
