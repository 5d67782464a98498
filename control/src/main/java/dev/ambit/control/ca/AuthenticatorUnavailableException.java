package dev.ambit.control.ca;

/**
 * The token could not be checked at all (the API server is unreachable or refuses the review): the caller is not
 * at fault and should retry. The message is safe to return.
 */
public final class AuthenticatorUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public AuthenticatorUnavailableException(String message) {
        super(message);
    }
}
