package dev.ambit.waypoint.upstream;

import dev.ambit.waypoint.lb.HostLoad;
import dev.ambit.waypoint.lb.PeakEwma;
import dev.ambit.waypoint.resilience.OutlierState;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One endpoint of a service as load balancing sees it: outstanding requests, latency, outlier standing. Kept across
 * config updates while the endpoint stays, so that an update does not forget what was learned.
 */
public final class UpstreamHost implements HostLoad {

    private final UpstreamTarget target;
    private final AtomicInteger active = new AtomicInteger();
    private final PeakEwma latency = new PeakEwma();
    private final OutlierState outlier = new OutlierState();

    public UpstreamHost(UpstreamTarget target) {
        this.target = target;
    }

    public UpstreamTarget target() {
        return target;
    }

    public OutlierState outlier() {
        return outlier;
    }

    public void requestStarted() {
        active.incrementAndGet();
    }

    public void requestEnded() {
        active.decrementAndGet();
    }

    public void observeLatency(long latencyNanos, long nowNanos) {
        latency.observe(latencyNanos, nowNanos);
    }

    @Override
    public int activeRequests() {
        return active.get();
    }

    @Override
    public double latencyEwmaNanos() {
        return latency.value();
    }

    @Override
    public String toString() {
        return target.toString();
    }
}
