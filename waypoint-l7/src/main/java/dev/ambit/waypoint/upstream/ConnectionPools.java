package dev.ambit.waypoint.upstream;

import dev.ambit.waypoint.resilience.CircuitBreakerLimits;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Upstream connections, pooled per event loop and endpoint (as Envoy pools per worker): an exchange only ever uses
 * connections of its own loop, so pools need no locks and a request never hops threads.
 */
public final class ConnectionPools {

    private record Key(UpstreamTarget target, UpstreamProtocol protocol) {
    }

    private final UpstreamConnector connector;
    private final UpstreamSettings settings;
    private final Map<EventLoop, Map<Key, EndpointPool>> byLoop = new ConcurrentHashMap<>();

    public ConnectionPools(UpstreamConnector connector, UpstreamSettings settings) {
        this.connector = connector;
        this.settings = settings;
    }

    /** A stream to {@code target}; must be called on {@code loop}. */
    public Future<UpstreamStream> acquire(EventLoop loop, UpstreamTarget target, UpstreamProtocol protocol,
            CircuitBreakerLimits breaker) {
        return byLoop.computeIfAbsent(loop, l -> new HashMap<>())
                .computeIfAbsent(new Key(target, protocol), key -> {
                    PoolEndpoint endpoint = new PoolEndpoint(target, loop, connector, settings);
                    return protocol == UpstreamProtocol.HTTP1 ? new Http1Pool(endpoint) : new Http2Pool(endpoint);
                })
                .acquire(breaker);
    }
}
