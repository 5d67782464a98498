package dev.ambit.api.model.traffic;

/** How a waypoint picks an endpoint for each request. */
public enum LoadBalancerAlgorithm {
    ROUND_ROBIN,
    RANDOM,
    /** Power of two choices by fewest outstanding requests. */
    LEAST_REQUEST,
    /** Power of two choices by an exponentially weighted moving average of latency, weighted by load. */
    EWMA
}
