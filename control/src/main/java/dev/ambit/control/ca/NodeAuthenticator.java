package dev.ambit.control.ca;

/** Turns a bearer token into the caller it proves; blocking, with its own timeout. */
@FunctionalInterface
public interface NodeAuthenticator {

    Caller authenticate(String token) throws AuthenticationException, AuthenticatorUnavailableException;
}
