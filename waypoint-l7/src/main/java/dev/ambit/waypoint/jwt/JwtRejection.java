package dev.ambit.waypoint.jwt;

/** Why a token was refused; the message is the 401 body (it never contains the token). */
public final class JwtRejection extends Exception {

    public JwtRejection(String message) {
        super(message, null, false, false);
    }
}
