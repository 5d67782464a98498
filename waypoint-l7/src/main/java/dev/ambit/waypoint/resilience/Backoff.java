package dev.ambit.waypoint.resilience;

import java.util.random.RandomGenerator;

/** Full-jitter exponential backoff between retries (Envoy's defaults: base 25 ms, cap 250 ms). */
public final class Backoff {

    private final long baseNanos;
    private final long maxNanos;

    public Backoff(long baseNanos, long maxNanos) {
        this.baseNanos = baseNanos;
        this.maxNanos = maxNanos;
    }

    /** @param retry 1 for the first retry */
    public long delayNanos(int retry, RandomGenerator random) {
        long ceiling = Math.min(maxNanos, baseNanos << Math.min(retry - 1, 20));
        return ceiling <= 0 ? 0 : random.nextLong(ceiling + 1);
    }
}
