package dev.ambit.waypoint.upstream;

/** A circuit-breaker limit refused a new connection. */
public final class UpstreamOverflowException extends Exception {

    public UpstreamOverflowException(String message) {
        super(message, null, false, false);
    }
}
