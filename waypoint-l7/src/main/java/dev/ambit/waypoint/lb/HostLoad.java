package dev.ambit.waypoint.lb;

/** What load balancers know about an endpoint: its outstanding requests and its recent latency. */
public interface HostLoad {

    int activeRequests();

    /** Peak-EWMA latency in nanoseconds (see {@link PeakEwma}). */
    double latencyEwmaNanos();
}
