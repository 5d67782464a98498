package dev.ambit.waypoint.proxy;

import dev.ambit.api.model.route.RouteTimeouts;
import dev.ambit.api.model.traffic.RetryPolicy;
import dev.ambit.runtime.hbone.HboneConnectException;
import dev.ambit.waypoint.http.LocalReply;
import dev.ambit.waypoint.observe.AccessLogField;
import dev.ambit.waypoint.resilience.RetryConditions;
import dev.ambit.waypoint.upstream.UpstreamHost;
import dev.ambit.waypoint.upstream.UpstreamOverflowException;
import dev.ambit.waypoint.upstream.UpstreamProtocol;
import dev.ambit.waypoint.upstream.UpstreamStream;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The tries of one exchange against its backend, one {@link UpstreamAttempt} at a time: picks an endpoint that is
 * not ejected, takes the circuit breaker's slots, arms the per-try timeout, and on a failure decides between another
 * try (policy, attempts left, a replayable body, the retry budget, then a backoff) and the failure's local reply.
 * Every answer or failure is fed back to outlier detection.
 *
 * <p>Once a response head went to the client nothing is retried: what fails after that is the exchange's to abandon.
 */
final class UpstreamAttempts {

    private static final String OVERLOADED = "x-ambit-overloaded";
    /** The body of the 403 for a CONNECT the destination's policy refused (docs/waypoint.md). */
    static final String DESTINATION_DENIAL = "RBAC: access denied: refused by the destination's policy";

    private final RequestExchange exchange;
    private final ExchangeEnvironment env;
    private final Downstream downstream;
    private final ExchangeReport report;
    private final RequestBody body;
    private final Cluster cluster;
    private final UpstreamProtocol protocol;
    private final boolean grpc;
    private final Optional<Duration> perTryTimeout;
    private UpstreamAttempt attempt;
    private int attempts;
    private UpstreamHost lastHost;

    UpstreamAttempts(RequestExchange exchange, ExchangeEnvironment env, Downstream downstream, ExchangeReport report,
            RequestBody body, Cluster cluster, RouteTimeouts timeouts, boolean grpc) {
        this.exchange = exchange;
        this.env = env;
        this.downstream = downstream;
        this.report = report;
        this.body = body;
        this.cluster = cluster;
        this.grpc = grpc;
        // Without an appProtocol, only gRPC (which needs HTTP/2) goes upstream as HTTP/2.
        this.protocol = cluster.protocol().orElse(grpc ? UpstreamProtocol.HTTP2 : UpstreamProtocol.HTTP1);
        // The route's backendRequest timeout wins over the backend's retry policy; zero means none.
        this.perTryTimeout = timeouts.backendRequest().filter(timeout -> !timeout.isZero())
                .or(() -> cluster.retryPolicy().flatMap(RetryPolicy::perTryTimeout));
    }

    /** The first try: counted by the retry budget as a request, so that retries stay a share of requests. */
    void start() {
        cluster.budget().onRequest();
        startAttempt();
    }

    /** How many tries were started. */
    int count() {
        return attempts;
    }

    /** The endpoint of the last try, null when none started. */
    UpstreamHost lastHost() {
        return lastHost;
    }

    /** The current try's stream once connected, else null. */
    UpstreamStream stream() {
        return attempt == null ? null : attempt.stream();
    }

    /** Whether a try was started; its stream may still be connecting. */
    boolean started() {
        return attempt != null;
    }

    /** Stops the current try, if any, with its stream and counters. */
    void abort() {
        if (attempt != null) {
            attempt.abort();
        }
    }

    boolean isCurrent(UpstreamAttempt candidate) {
        return attempt == candidate && !exchange.isFinished();
    }

    private void startAttempt() {
        Optional<UpstreamHost> host = cluster.pick(System.nanoTime(), downstream.destination());
        if (host.isEmpty()) {
            exchange.localReply(HttpResponseStatus.SERVICE_UNAVAILABLE, "no healthy upstream", "UH");
            return;
        }
        boolean retry = attempts > 0;
        if (!cluster.breaker().tryStartRequest() || (retry && !cluster.breaker().tryStartRetry())) {
            if (retry) {
                cluster.breaker().requestDone();
            }
            overflow("circuit breaker: max requests" + (retry ? " or retries" : "") + " reached");
            return;
        }
        if (!cluster.breaker().tryAddPending()) {
            cluster.breaker().requestDone();
            if (retry) {
                cluster.breaker().retryDone();
            }
            overflow("circuit breaker: max pending requests reached");
            return;
        }
        attempts++;
        attempt = new UpstreamAttempt(this, env, downstream, cluster, host.get(), retry, report.spans());
        lastHost = host.get();
        attempt.connect(perTryTimeout, protocol);
    }

    private void overflow(String reason) {
        FullHttpResponse reply = LocalReply.of(downstream.allocator(), HttpResponseStatus.SERVICE_UNAVAILABLE, reason,
                grpc);
        reply.headers().set(OVERLOADED, "true");
        report.entry().put(AccessLogField.DETAIL, reason);
        exchange.reply(reply, "UO");
    }

    // ---- outcomes of the current try

    /** The try has its stream: the exchange sends the request on it. */
    void attemptConnected(UpstreamAttempt connected) {
        exchange.sendRequest(connected.stream(), protocol, connected.span());
    }

    void attemptFailedToConnect(UpstreamAttempt failed, Throwable cause) {
        if (!isCurrent(failed)) {
            return;
        }
        failed.end(false);
        report.entry().put(AccessLogField.DETAIL, cause.getMessage());
        if (cause instanceof UpstreamOverflowException) {
            overflow(cause.getMessage());
            return;
        }
        if (refusedByDestinationPolicy(cause)) {
            // The endpoint's node tunnel refused this proxy's identity (its L4 authorization): an answer about the
            // caller, not the endpoint's health, which no retry changes. A gateway's client learns it as the 403 a
            // waypoint's own policy gives, not as an outage.
            exchange.localReply(HttpResponseStatus.FORBIDDEN, DESTINATION_DENIAL, "RBAC");
            return;
        }
        cluster.serverError(failed.host());
        if (retriable(RetryConditions.Failure.CONNECT_FAILURE) && retry()) {
            return;
        }
        exchange.localReply(HttpResponseStatus.SERVICE_UNAVAILABLE, "upstream connect error: " + cause.getMessage(),
                "UF");
    }

    /** Whether the HBONE CONNECT was answered 403, which a node tunnel answers when its policy denies the caller. */
    static boolean refusedByDestinationPolicy(Throwable cause) {
        for (Throwable next = cause; next != null; next = next.getCause()) {
            if (next instanceof HboneConnectException refused) {
                return refused.status().orElse(-1) == HttpResponseStatus.FORBIDDEN.code();
            }
        }
        return false;
    }

    void attemptTimedOut(UpstreamAttempt timedOut) {
        if (!isCurrent(timedOut) || exchange.responseStarted()) {
            return;
        }
        timedOut.abort();
        cluster.serverError(timedOut.host());
        if (retriable(RetryConditions.Failure.TIMEOUT) && retry()) {
            return;
        }
        exchange.localReply(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream per-try timeout", "UT");
    }

    /**
     * A response head from the current try: feeds outlier detection, then retries if the policy says so.
     *
     * @return true when another try was scheduled and {@code response} released, false when it is the answer
     */
    boolean retryOn(HttpResponse response) {
        int code = response.status().code();
        attempt.span().responded(code);
        // A trailers-only gRPC answer carries its status in the head; a streamed one is known only at its end.
        int grpcStatus = response instanceof FullHttpResponse ? response.headers().getInt("grpc-status", -1) : -1;
        boolean serverError = code >= 500 || (grpcStatus >= 0 && isGrpcServerError(grpcStatus));
        if (serverError) {
            cluster.serverError(attempt.host());
        } else {
            cluster.success(attempt.host());
        }
        RetryConditions conditions = cluster.retryConditions();
        if (conditions != null && conditions.retriable(code, grpcStatus)) {
            UpstreamAttempt failed = attempt;
            if (retry()) {
                ReferenceCountUtil.release(response);
                failed.abort();
                return true;
            }
        }
        return false;
    }

    /** The current try's response head goes to the client: its endpoint answered, in the time it took. */
    void answered() {
        attempt.end(true);
    }

    /** The current try's stream closed or failed before its response ended. */
    void streamFailed(Throwable cause) {
        UpstreamAttempt failed = attempt;
        failed.stream().abort();
        if (exchange.responseStarted()) {
            exchange.abandon("UPE", "upstream reset mid-response: " + describe(cause));
            return;
        }
        failed.span().failed("reset");
        failed.end(false);
        cluster.serverError(failed.host());
        report.entry().put(AccessLogField.DETAIL, describe(cause));
        if (retriable(RetryConditions.Failure.RESET) && retry()) {
            return;
        }
        exchange.localReply(HttpResponseStatus.BAD_GATEWAY, "upstream reset before response: " + describe(cause),
                "UC");
    }

    // ---- retries

    private boolean retriable(RetryConditions.Failure failure) {
        return cluster.retryConditions() != null && cluster.retryConditions().retriable(failure);
    }

    /**
     * Schedules another try if the policy, the attempts left, the body (still replayable) and the budget allow.
     *
     * @return false when the caller must answer with the failure instead
     */
    private boolean retry() {
        RetryConditions conditions = cluster.retryConditions();
        RetryPolicy policy = cluster.retryPolicy().orElse(null);
        if (conditions == null || attempts > policy.attempts() || !body.replayable() || exchange.responseStarted()) {
            return false;
        }
        if (!cluster.budget().tryRetry()) {
            env.metrics().budgetExhausted(cluster.service().hostname());
            report.flag("URX");
            return false;
        }
        env.metrics().retried(cluster.service().hostname());
        long delay = env.backoff().delayNanos(attempts, env.random());
        downstream.loop().schedule(() -> {
            if (!exchange.isFinished()) {
                body.rewind();
                startAttempt();
            }
        }, delay, TimeUnit.NANOSECONDS);
        return true;
    }

    private static boolean isGrpcServerError(int grpcStatus) {
        // UNKNOWN, DEADLINE_EXCEEDED, INTERNAL, UNAVAILABLE, DATA_LOSS: what Envoy treats as gateway failures.
        return grpcStatus == 2 || grpcStatus == 4 || grpcStatus == 13 || grpcStatus == 14 || grpcStatus == 15;
    }

    private static String describe(Throwable cause) {
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }
}
