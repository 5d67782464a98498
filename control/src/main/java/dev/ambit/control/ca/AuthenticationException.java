package dev.ambit.control.ca;

/** A bearer token that proves nothing: missing, unknown, expired or refused. The message is safe to return. */
public final class AuthenticationException extends Exception {
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message) {
        super(message);
    }
}
