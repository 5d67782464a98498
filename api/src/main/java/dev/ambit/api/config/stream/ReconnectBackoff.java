package dev.ambit.api.config.stream;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with full jitter, so that a controller restart is not met by every agent of the cluster at
 * the same instant.
 */
final class ReconnectBackoff {

    private final long minMillis;
    private final long maxMillis;
    private long ceilingMillis;

    ReconnectBackoff(Duration min, Duration max) {
        this.minMillis = min.toMillis();
        this.maxMillis = max.toMillis();
        this.ceilingMillis = minMillis;
    }

    long nextDelayMillis() {
        long delay = minMillis + ThreadLocalRandom.current().nextLong(ceilingMillis - minMillis + 1);
        ceilingMillis = Math.min(maxMillis, ceilingMillis * 2);
        return delay;
    }

    void reset() {
        ceilingMillis = minMillis;
    }
}
