package dev.ambit.waypoint.upstream;

import dev.ambit.waypoint.resilience.CircuitBreakerLimits;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

/**
 * HTTP/2 to one endpoint on one event loop: streams share one connection until it stops taking streams (GOAWAY,
 * stream limit, close), then a new one is made.
 */
final class Http2Pool implements EndpointPool {

    private final UpstreamTarget target;
    private final EventLoop loop;
    private final UpstreamConnector connector;
    private final UpstreamSettings settings;
    private Http2Connection current;

    Http2Pool(UpstreamTarget target, EventLoop loop, UpstreamConnector connector, UpstreamSettings settings) {
        this.target = target;
        this.loop = loop;
        this.connector = connector;
        this.settings = settings;
    }

    @Override
    public Future<UpstreamStream> acquire(CircuitBreakerLimits breaker) {
        Promise<UpstreamStream> result = loop.newPromise();
        if (current == null || !current.usable()) {
            if (!breaker.tryOpenConnection()) {
                return result.setFailure(new UpstreamOverflowException("max connections to " + target + " reached"));
            }
            current = new Http2Connection(target, loop, connector, settings, breaker::connectionClosed);
        }
        current.openStream(result);
        return result;
    }
}
