package dev.ambit.waypoint.lb;

/**
 * Peak-sensitive exponentially weighted moving average of latency (Finagle/Linkerd): a slower sample replaces the
 * average at once, faster ones pull it down with time constant {@link #DECAY_NANOS}. An endpoint starts at
 * {@link #INITIAL_NANOS} so a new one is tried without being flooded.
 */
public final class PeakEwma {

    static final double DECAY_NANOS = 10e9;
    static final double INITIAL_NANOS = 10e6;

    private double value = INITIAL_NANOS;
    private boolean sampled;
    private long lastNanos;

    public synchronized void observe(long latencyNanos, long nowNanos) {
        if (!sampled || latencyNanos > value) {
            value = latencyNanos;
            sampled = true;
        } else {
            double weight = Math.exp(-Math.max(0, nowNanos - lastNanos) / DECAY_NANOS);
            value = value * weight + latencyNanos * (1 - weight);
        }
        lastNanos = nowNanos;
    }

    public synchronized double value() {
        return value;
    }
}
