package dev.ambit.waypoint.upstream;

import dev.ambit.waypoint.resilience.CircuitBreakerLimits;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

/**
 * HTTP/2 to one endpoint on one event loop: streams share one connection until it stops taking streams (GOAWAY,
 * stream limit, close), then a new one is made.
 */
final class Http2Pool implements EndpointPool {

    private final PoolEndpoint endpoint;
    private Http2Connection current;

    Http2Pool(PoolEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public Future<UpstreamStream> acquire(CircuitBreakerLimits breaker) {
        Promise<UpstreamStream> result = endpoint.loop().newPromise();
        if (current == null || !current.usable()) {
            if (!breaker.tryOpenConnection()) {
                return result.setFailure(endpoint.connectionLimitReached());
            }
            current = new Http2Connection(endpoint, breaker::connectionClosed);
        }
        current.openStream(result);
        return result;
    }
}
