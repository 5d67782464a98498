package dev.ambit.waypoint.resilience;

/** One endpoint's standing with outlier detection. Guarded by its own monitor: results arrive from every loop. */
public final class OutlierState {

    private int consecutive5xx;
    private int ejections;
    private long ejectedUntilNanos;
    private long returnedAtNanos;
    private boolean ejected;

    public synchronized boolean isEjected(long nowNanos) {
        if (ejected && nowNanos - ejectedUntilNanos >= 0) {
            ejected = false;
            returnedAtNanos = ejectedUntilNanos;
        }
        return ejected;
    }

    synchronized void success() {
        consecutive5xx = 0;
    }

    /** @return the consecutive server errors so far */
    synchronized int serverError() {
        return ++consecutive5xx;
    }

    /**
     * Ejects for {@code base × ejections}; the multiplier first drops by one for each full {@code interval} the endpoint
     * stayed in since it last returned, so an endpoint that recovered is not punished for old failures.
     */
    synchronized long eject(long nowNanos, long baseNanos, long intervalNanos, long maxNanos) {
        if (ejections > 0 && returnedAtNanos != 0) {
            ejections = (int) Math.max(0, ejections - (nowNanos - returnedAtNanos) / intervalNanos);
        }
        ejections++;
        long duration = Math.min(maxNanos, baseNanos * ejections);
        ejected = true;
        ejectedUntilNanos = nowNanos + duration;
        consecutive5xx = 0;
        return duration;
    }
}
