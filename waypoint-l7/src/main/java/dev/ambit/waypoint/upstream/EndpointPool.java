package dev.ambit.waypoint.upstream;

import dev.ambit.waypoint.resilience.CircuitBreakerLimits;
import io.netty.util.concurrent.Future;

/** The connections to one endpoint with one protocol, on one event loop. */
interface EndpointPool {

    Future<UpstreamStream> acquire(CircuitBreakerLimits breaker);
}
