package dev.ambit.waypoint.resilience;

import dev.ambit.api.model.traffic.CircuitBreaker;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one service has outstanding from this waypoint, against its {@link CircuitBreaker} limits. Beyond a limit a
 * request fails fast (503, {@code x-ambit-overloaded}) instead of queueing behind a struggling backend.
 */
public final class CircuitBreakerLimits {

    private final int maxConnections;
    private final int maxPending;
    private final int maxRequests;
    private final int maxRetries;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger pending = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger retries = new AtomicInteger();

    public CircuitBreakerLimits(CircuitBreaker breaker) {
        this.maxConnections = breaker.maxConnections().orElse(Integer.MAX_VALUE);
        this.maxPending = breaker.maxPendingRequests().orElse(Integer.MAX_VALUE);
        this.maxRequests = breaker.maxRequests().orElse(Integer.MAX_VALUE);
        this.maxRetries = breaker.maxRetries().orElse(Integer.MAX_VALUE);
    }

    public static CircuitBreakerLimits unlimited() {
        return new CircuitBreakerLimits(new CircuitBreaker(java.util.OptionalInt.empty(),
                java.util.OptionalInt.empty(), java.util.OptionalInt.empty(), java.util.OptionalInt.empty()));
    }

    public boolean tryOpenConnection() {
        return tryAcquire(connections, maxConnections);
    }

    public void connectionClosed() {
        connections.decrementAndGet();
    }

    /** A request waiting for a connection to be established. */
    public boolean tryAddPending() {
        return tryAcquire(pending, maxPending);
    }

    public void pendingDone() {
        pending.decrementAndGet();
    }

    public boolean tryStartRequest() {
        return tryAcquire(requests, maxRequests);
    }

    public void requestDone() {
        requests.decrementAndGet();
    }

    public boolean tryStartRetry() {
        return tryAcquire(retries, maxRetries);
    }

    public void retryDone() {
        retries.decrementAndGet();
    }

    public int connections() {
        return connections.get();
    }

    private static boolean tryAcquire(AtomicInteger counter, int limit) {
        while (true) {
            int current = counter.get();
            if (current >= limit) {
                return false;
            }
            if (counter.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }
}
