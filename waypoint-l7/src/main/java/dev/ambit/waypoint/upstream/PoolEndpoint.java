package dev.ambit.waypoint.upstream;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

/**
 * One endpoint as its pools on one event loop see it: where it is, the loop its connections live on, how they are
 * opened and with which settings. The HTTP/1 and HTTP/2 pools differ only in what they do with a connection.
 */
record PoolEndpoint(UpstreamTarget target, EventLoop loop, UpstreamConnector connector, UpstreamSettings settings) {

    /** Opens a new connection to the endpoint, on the pool's loop. */
    Future<Channel> connect() {
        return connector.connect(target, loop);
    }

    /** Why a new connection was refused: the circuit breaker's connection limit. */
    UpstreamOverflowException connectionLimitReached() {
        return new UpstreamOverflowException("max connections to " + target + " reached");
    }
}
