package dev.ambit.waypoint.upstream;

import dev.ambit.waypoint.http.IdleCloser;
import dev.ambit.waypoint.resilience.CircuitBreakerLimits;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.flow.FlowControlHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Keep-alive HTTP/1.1 connections to one endpoint, on one event loop (so no locks): an exchange takes an idle
 * connection or opens one, and gives it back when both request and response ended cleanly. Idle connections keep a
 * read pending so that a backend's close is noticed at once.
 */
final class Http1Pool implements EndpointPool {

    private final PoolEndpoint endpoint;
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();

    Http1Pool(PoolEndpoint endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public Future<UpstreamStream> acquire(CircuitBreakerLimits breaker) {
        Promise<UpstreamStream> result = endpoint.loop().newPromise();
        Channel reused;
        while ((reused = idle.pollLast()) != null) {
            if (Http1ConnectionEnd.reusable(reused)) {
                return result.setSuccess(lease(reused));
            }
            reused.close();
        }
        if (!breaker.tryOpenConnection()) {
            return result.setFailure(endpoint.connectionLimitReached());
        }
        endpoint.connect().addListener((Future<Channel> connected) -> {
            if (!connected.isSuccess()) {
                breaker.connectionClosed();
                result.setFailure(connected.cause());
                return;
            }
            Channel channel = connected.getNow();
            channel.closeFuture().addListener(closed -> {
                breaker.connectionClosed();
                idle.remove(channel);
            });
            channel.pipeline().addLast(
                    new IdleStateHandler(0, 0, endpoint.settings().idleTimeout().toNanos(), TimeUnit.NANOSECONDS),
                    IdleCloser.INSTANCE,
                    new HttpClientCodec(8 * 1024, endpoint.settings().maxResponseHeaderSize(), 16 * 1024),
                    new Http1ConnectionEnd(),
                    new FlowControlHandler(),
                    new UpstreamStreamHandler());
            if (!result.trySuccess(lease(channel))) {
                channel.close();
            }
        });
        return result;
    }

    private UpstreamStream lease(Channel channel) {
        return new UpstreamStream(channel, channel.pipeline().get(UpstreamStreamHandler.class), this::release);
    }

    private void release(Channel channel, boolean reusable) {
        if (reusable && Http1ConnectionEnd.reusable(channel) && idle.size() < endpoint.settings().maxIdlePerEndpoint()) {
            idle.addLast(channel);
            channel.pipeline().get(UpstreamStreamHandler.class).read();
        } else {
            channel.close();
        }
    }
}
