package dev.ambit.waypoint.resilience;

import dev.ambit.api.model.traffic.RetryBudget;
import java.util.function.LongSupplier;

/**
 * Enforces a configured {@link RetryBudget}, Linkerd-style, over a sliding window of {@code ttl}: retries may be at
 * most {@code ratio} of the requests seen in the window plus {@code minRetriesPerSecond × ttl}, so that retries can
 * never multiply an overload. The window is kept in one-second buckets. Thread-safe: a service's budget is shared by
 * every event loop.
 */
public final class SlidingRetryBudget {

    private static final long SECOND = 1_000_000_000L;

    private final double ratio;
    private final long reserve;
    private final LongSupplier nanoClock;
    private final long[] requests;
    private final long[] retries;
    private long currentSecond;

    private SlidingRetryBudget(double ratio, long reserve, int windowSeconds, LongSupplier nanoClock) {
        this.ratio = ratio;
        this.reserve = reserve;
        this.nanoClock = nanoClock;
        this.requests = new long[windowSeconds];
        this.retries = new long[windowSeconds];
        this.currentSecond = nanoClock.getAsLong() / SECOND;
    }

    public static SlidingRetryBudget of(RetryBudget budget, LongSupplier nanoClock) {
        int window = (int) Math.max(1, Math.min(3600, (budget.ttl().toMillis() + 999) / 1000));
        return new SlidingRetryBudget(budget.ratio(), (long) budget.minRetriesPerSecond() * window, window, nanoClock);
    }

    /** No budget configured: retries are limited by the retry policy's attempts only. */
    public static SlidingRetryBudget unlimited() {
        return new SlidingRetryBudget(Double.POSITIVE_INFINITY, Long.MAX_VALUE / 2, 1, System::nanoTime);
    }

    /** Counts an original request (not a retry): it earns {@code ratio} of a retry. */
    public synchronized void onRequest() {
        requests[advance()]++;
    }

    /** Withdraws one retry if the window still allows it. */
    public synchronized boolean tryRetry() {
        int bucket = advance();
        long requested = 0;
        long retried = 0;
        for (int i = 0; i < requests.length; i++) {
            requested += requests[i];
            retried += retries[i];
        }
        if (retried >= reserve + ratio * requested) {
            return false;
        }
        retries[bucket]++;
        return true;
    }

    private int advance() {
        long second = nanoClock.getAsLong() / SECOND;
        long stale = Math.min(second - currentSecond, requests.length);
        for (long s = 1; s <= stale; s++) {
            int bucket = (int) Math.floorMod(currentSecond + s, (long) requests.length);
            requests[bucket] = 0;
            retries[bucket] = 0;
        }
        if (second > currentSecond) {
            currentSecond = second;
        }
        return (int) Math.floorMod(currentSecond, (long) requests.length);
    }
}
