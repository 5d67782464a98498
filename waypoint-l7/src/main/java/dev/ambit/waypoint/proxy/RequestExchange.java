package dev.ambit.waypoint.proxy;

import dev.ambit.api.model.route.RouteTimeouts;
import dev.ambit.api.model.traffic.FaultAbort;
import dev.ambit.waypoint.http.LocalReply;
import dev.ambit.waypoint.http.MessageHeaders;
import dev.ambit.waypoint.observe.AccessLogField;
import dev.ambit.waypoint.observe.RequestSpans;
import dev.ambit.waypoint.resilience.FaultInjector;
import dev.ambit.waypoint.route.ServiceKey;
import dev.ambit.waypoint.upstream.UpstreamProtocol;
import dev.ambit.waypoint.upstream.UpstreamStream;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request through the waypoint, on its downstream's event loop: authenticate (JWT), authorize, route, inject
 * faults, then forward with retries, timeouts and circuit breaking, streaming the body both ways with backpressure;
 * finally one metrics sample and one access-log line.
 *
 * <p>This class holds the exchange's lifecycle (routed, answering, finished), its deadline and the request body's
 * way upstream; each step has its own class: {@link RequestAdmission} (checks of the head), {@link RequestRouting}
 * (rule and backend), {@link RequestMirroring} (shadows), {@link UpstreamAttempts} (the tries: retries, per-try
 * timeouts, circuit breaking, budgets, outlier feedback), {@link ResponseRelay} (the answer on its way back) and
 * {@link ExchangeReport} (the metrics sample and the access-log line).
 *
 * <p>Flow control is pull-based on both sides: a request chunk is read only when the upstream stream can take it,
 * a response message only when the client can.
 */
public final class RequestExchange {

    private static final Logger log = LoggerFactory.getLogger(RequestExchange.class);

    private final ExchangeEnvironment env;
    private final Downstream downstream;
    private final CompiledConfig config;
    private final HttpRequest request;
    private final RequestBody body;
    private final ExchangeReport report;
    private final boolean grpc;
    private final boolean expectsBody;

    private ServiceKey serviceKey;
    /** Set once the request is routed; null before (and when it never is). */
    private Cluster cluster;
    private RequestMirroring mirroring;
    private UpstreamAttempts attempts;
    private ResponseRelay relay;
    private ScheduledFuture<?> requestTimer;
    private boolean responseStarted;
    private boolean finished;

    private RequestExchange(ExchangeEnvironment env, Downstream downstream, HttpRequest request, boolean expectsBody) {
        this.env = env;
        this.downstream = downstream;
        this.config = env.config().get();
        this.request = request;
        this.body = new RequestBody(env.limits().retryBufferBytes());
        this.report = new ExchangeReport(env, config, downstream, request);
        this.grpc = MessageHeaders.isGrpc(request.headers());
        this.expectsBody = expectsBody;
    }

    /**
     * An exchange for {@code request}, a head; {@link #begin} starts it, and its body (or just its end) follows
     * through {@link #onRequestContent}.
     *
     * @param expectsBody false when the head says there is no body (no Content-Length or chunking in HTTP/1.1)
     */
    public static RequestExchange create(ExchangeEnvironment env, Downstream downstream, HttpRequest request,
            boolean expectsBody) {
        return new RequestExchange(env, downstream, request, expectsBody);
    }

    boolean isFinished() {
        return finished;
    }

    RequestSpans spans() {
        return report.spans();
    }

    /** Whether a response head went to the client: from then on nothing is retried or answered locally. */
    boolean responseStarted() {
        return responseStarted;
    }

    // ---- request head: admission, routing, faults

    /** Authenticates, authorizes and routes the request; may answer it before returning. */
    public void begin() {
        new RequestAdmission(this, env, config, downstream, request, report.entry(), grpc).start();
    }

    /** Admission found the destination service; known from here on even if the request is refused. */
    void destinationResolved(ServiceKey key) {
        serviceKey = key;
    }

    /** The request passed admission: route it, then delay or abort it as the backend's faults say, or send it. */
    void admitted() {
        Optional<RequestRouting.Routed> routed =
                new RequestRouting(this, env, config, downstream, request, report.entry()).route(serviceKey);
        if (routed.isEmpty()) {
            return;
        }
        cluster = routed.get().cluster();
        attempts = new UpstreamAttempts(this, env, downstream, report, body, cluster, routed.get().timeouts(), grpc);
        relay = new ResponseRelay(this, attempts, downstream, report, routed.get().route());
        mirroring = new RequestMirroring(env, config, downstream, request, body, routed.get().mirrors());
        mirroring.sendIfComplete();
        startRequestTimer(routed.get().timeouts());
        FaultInjector.Plan fault = cluster.faults() == null ? FaultInjector.Plan.NONE : cluster.faults().decide();
        if (fault.delay().isPresent()) {
            report.flag("DI");
            downstream.loop().schedule(() -> afterDelay(fault.abort()), fault.delay().get().toNanos(),
                    TimeUnit.NANOSECONDS);
        } else {
            afterDelay(fault.abort());
        }
    }

    /** The deadline of the whole exchange, fault delay and retries included: the route's, else the backend's. */
    private void startRequestTimer(RouteTimeouts timeouts) {
        Optional<Duration> requestTimeout = timeouts.request().isPresent()
                ? timeouts.request().filter(timeout -> !timeout.isZero()) : cluster.timeout();
        requestTimeout.ifPresent(timeout -> requestTimer = downstream.loop().schedule(this::requestTimedOut,
                timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    private void afterDelay(Optional<FaultAbort> abort) {
        if (finished) {
            return;
        }
        if (abort.isPresent()) {
            report.flag("FI");
            FaultAbort fault = abort.get();
            if (fault.grpcStatus().isPresent()) {
                reply(LocalReply.grpc(downstream.allocator(), fault.grpcStatus().getAsInt(), "fault filter abort"),
                        null);
            } else {
                reply(LocalReply.of(downstream.allocator(), HttpResponseStatus.valueOf(fault.httpStatus().getAsInt()),
                        "fault filter abort", grpc), null);
            }
            return;
        }
        attempts.start();
    }

    private void requestTimedOut() {
        if (finished) {
            return;
        }
        attempts.abort();
        if (responseStarted) {
            abandon("UT", null);
        } else {
            localReply(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream request timeout", "UT");
        }
    }

    // ---- the request on its way upstream

    /** A try has its stream: send the head and what there is of the body, and start reading the answer. */
    void sendRequest(UpstreamStream stream, UpstreamProtocol protocol, RequestSpans.ClientSpan span) {
        stream.attach(relay);
        HttpRequest head = head(protocol);
        // The upstream's parent is this try's CLIENT span (docs/tracing.md).
        span.inject(head.headers());
        stream.write(head);
        body.sendTo(stream);
        stream.flush();
        stream.read();
        if (!body.complete() && stream.isWritable()) {
            downstream.read();
        }
    }

    /**
     * The head a try sends, on the exchange's own headers rather than a copy per try: the upstream codecs read a
     * head's headers without changing them, and every try of an exchange goes with the same protocol, so the one
     * header added here is the same each time. A mirror takes its own copy ({@link RequestMirroring}).
     */
    private HttpRequest head(UpstreamProtocol protocol) {
        HttpHeaders headers = request.headers();
        if (protocol == UpstreamProtocol.HTTP1 && expectsBody && !HttpUtil.isContentLengthSet(request)) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(), headers);
    }

    /** A request body chunk or its end; the exchange takes ownership. */
    public void onRequestContent(HttpContent content) {
        if (finished) {
            content.release();
            return;
        }
        body.add(content);
        report.entry().put(AccessLogField.BYTES_RECEIVED, body.bytes());
        if (body.bytes() > env.limits().maxRequestBodyBytes()) {
            localReply(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body is larger than "
                    + env.limits().maxRequestBodyBytes() + " bytes", "DPE");
            return;
        }
        if (mirroring != null) {
            mirroring.sendIfComplete();
        }
        UpstreamStream stream = attempts == null ? null : attempts.stream();
        if (stream != null) {
            body.sendTo(stream);
            stream.flush();
            if (!body.complete() && stream.isWritable()) {
                downstream.read();
            }
        }
    }

    /** The upstream stream can take more of the body. */
    void onUpstreamWritable() {
        if (!finished && !body.complete()) {
            downstream.read();
        }
    }

    // ---- the client

    public void onDownstreamWritable() {
        if (relay != null) {
            relay.onDownstreamWritable();
        }
    }

    /** The client went away: everything upstream is abandoned. */
    public void onDownstreamClosed() {
        if (finished) {
            return;
        }
        report.flag("DC");
        if (attempts != null) {
            attempts.abort();
        }
        finish(false);
    }

    // ---- the answer and the end

    /** The relay forwards a backend's response head with {@code status}. */
    void responseStarted(int status) {
        responseStarted = true;
        report.status(status);
    }

    /** The backend's response went to the client in full: its stream may serve another request. */
    void responseEnded() {
        attempts.stream().release(body.allSent());
        finish(true);
    }

    /** Gives up on a response already under way: the client sees a reset, not a second answer. */
    void abandon(String flag, String detail) {
        report.flag(flag);
        if (detail != null) {
            report.entry().put(AccessLogField.DETAIL, detail);
        }
        downstream.reset();
        finish(false);
    }

    void localReply(HttpResponseStatus replyStatus, String reason, String flag) {
        reply(LocalReply.of(downstream.allocator(), replyStatus, reason, grpc), flag);
    }

    /** Answers here instead of the backend, unless a response is under way: then the client sees a reset. */
    void reply(FullHttpResponse response, String flag) {
        if (finished) {
            response.release();
            return;
        }
        if (flag != null) {
            report.flag(flag);
        }
        if (responseStarted) {
            response.release();
            downstream.reset();
            finish(false);
            return;
        }
        if (attempts != null) {
            attempts.abort();
        }
        responseStarted = true;
        report.status(response.status().code());
        report.bytesSent(response.content().readableBytes());
        if (request.method().equals(HttpMethod.HEAD)) {
            response.content().clear();
        }
        downstream.write(response);
        finish(true);
    }

    private void finish(boolean responded) {
        if (finished) {
            return;
        }
        finished = true;
        if (requestTimer != null) {
            requestTimer.cancel(false);
        }
        body.release();
        record();
        if (responded) {
            downstream.done(body.complete());
        }
    }

    private void record() {
        int tries = attempts == null ? 0 : attempts.count();
        report.write(serviceKey, cluster, attempts == null ? null : attempts.lastHost(), tries, body.bytes());
        if (log.isDebugEnabled()) {
            log.debug("event=request_done status={} flags={} attempts={}", report.status(), report.flags(), tries);
        }
    }
}
