package dev.ambit.waypoint.proxy;

import dev.ambit.waypoint.observe.RequestSpans;
import dev.ambit.waypoint.upstream.UpstreamHost;
import dev.ambit.waypoint.upstream.UpstreamProtocol;
import dev.ambit.waypoint.upstream.UpstreamStream;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One try of an exchange against one endpoint: gets a stream from the pools, keeps the per-try timer, and holds the
 * endpoint's and the circuit breaker's counters until it ends. What a failure means (another try, or which reply)
 * is decided by {@link UpstreamAttempts}, so every outcome goes back to it.
 */
final class UpstreamAttempt {

    private final UpstreamAttempts attempts;
    private final ExchangeEnvironment env;
    private final Downstream downstream;
    private final Cluster cluster;
    private final UpstreamHost host;
    private final boolean retry;
    private final long started = System.nanoTime();
    private UpstreamStream stream;
    private final RequestSpans.ClientSpan span;
    private ScheduledFuture<?> timer;
    private boolean pending = true;
    private boolean ended;

    UpstreamAttempt(UpstreamAttempts attempts, ExchangeEnvironment env, Downstream downstream, Cluster cluster,
            UpstreamHost host, boolean retry, RequestSpans spans) {
        this.attempts = attempts;
        this.env = env;
        this.downstream = downstream;
        this.cluster = cluster;
        this.host = host;
        this.retry = retry;
        host.requestStarted();
        this.span = spans.clientStarted(host.target(), cluster.authority());
    }

    /** This try's CLIENT span: ended here when the try fails, with the exchange when it answered. */
    RequestSpans.ClientSpan span() {
        return span;
    }

    UpstreamHost host() {
        return host;
    }

    /** The stream once connected, else null. */
    UpstreamStream stream() {
        return stream;
    }

    void connect(Optional<Duration> perTryTimeout, UpstreamProtocol protocol) {
        perTryTimeout.ifPresent(timeout -> timer = downstream.loop().schedule(this::timedOut,
                timeout.toNanos(), TimeUnit.NANOSECONDS));
        env.pools().acquire(downstream.loop(), host.target(), protocol, cluster.breaker())
                .addListener((Future<UpstreamStream> done) -> connected(done));
    }

    private void connected(Future<UpstreamStream> done) {
        notPending();
        if (!done.isSuccess()) {
            span.failed(done.cause().getClass().getName());
            attempts.attemptFailedToConnect(this, done.cause());
            return;
        }
        stream = done.getNow();
        // Superseded (a timeout or the client's end came first): the stream is not ours to use.
        if (ended || !attempts.isCurrent(this)) {
            stream.abort();
            return;
        }
        attempts.attemptConnected(this);
    }

    private void timedOut() {
        if (!ended) {
            span.failed("timeout");
        }
        attempts.attemptTimedOut(this);
    }

    /** Stops this attempt's stream and counters; safe to call more than once. */
    void abort() {
        if (stream != null) {
            stream.abort();
        }
        end(false);
    }

    /** Releases the counters and the timer; {@code observedLatency} when the endpoint answered. Idempotent. */
    void end(boolean observedLatency) {
        if (ended) {
            return;
        }
        ended = true;
        notPending();
        if (timer != null) {
            timer.cancel(false);
        }
        if (observedLatency) {
            long now = System.nanoTime();
            host.observeLatency(now - started, now);
        }
        if (!observedLatency) {
            span.end();
        }
        host.requestEnded();
        cluster.breaker().requestDone();
        if (retry) {
            cluster.breaker().retryDone();
        }
    }

    private void notPending() {
        if (pending) {
            pending = false;
            cluster.breaker().pendingDone();
        }
    }
}
