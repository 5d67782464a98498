package dev.ambit.waypoint.proxy;

import dev.ambit.api.model.route.RouteTimeouts;
import dev.ambit.api.model.traffic.FaultAbort;
import dev.ambit.api.model.traffic.RetryPolicy;
import dev.ambit.waypoint.http.LocalReply;
import dev.ambit.waypoint.http.MessageHeaders;
import dev.ambit.waypoint.observe.AccessLogField;
import dev.ambit.waypoint.observe.RequestSpans;
import dev.ambit.waypoint.resilience.FaultInjector;
import dev.ambit.waypoint.resilience.RetryConditions;
import dev.ambit.waypoint.route.HeaderEdits;
import dev.ambit.waypoint.route.RouteSelection;
import dev.ambit.waypoint.route.ServiceKey;
import dev.ambit.waypoint.upstream.UpstreamHost;
import dev.ambit.waypoint.upstream.UpstreamListener;
import dev.ambit.waypoint.upstream.UpstreamOverflowException;
import dev.ambit.waypoint.upstream.UpstreamProtocol;
import dev.ambit.waypoint.upstream.UpstreamStream;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
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
 * <p>This class holds the exchange's state and decides what each event means; the steps it delegates have their own
 * classes: {@link RequestAdmission} (checks of the head), {@link RequestRouting} (rule and backend),
 * {@link RequestMirroring} (shadows), {@link UpstreamAttempt} (one try against one endpoint) and
 * {@link ExchangeReport} (the metrics sample and the access-log line).
 *
 * <p>Flow control is pull-based on both sides: a request chunk is read only when the upstream stream can take it,
 * a response message only when the client can.
 */
public final class RequestExchange implements UpstreamListener {

    private static final Logger log = LoggerFactory.getLogger(RequestExchange.class);
    private static final String OVERLOADED = "x-ambit-overloaded";

    private final ExchangeEnvironment env;
    private final Downstream downstream;
    private final CompiledConfig config;
    private final HttpRequest request;
    private final RequestBody body;
    private final ExchangeReport report;
    private final boolean grpc;
    private final boolean expectsBody;

    private ServiceKey serviceKey;
    private Cluster cluster;
    private RouteSelection route;
    private RequestMirroring mirroring;
    private Optional<Duration> perTryTimeout = Optional.empty();
    private ScheduledFuture<?> requestTimer;
    private UpstreamAttempt attempt;
    private int attempts;
    private boolean responseStarted;
    private boolean finished;
    private UpstreamHost lastHost;

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
        route = routed.get().route();
        cluster = routed.get().cluster();
        mirroring = new RequestMirroring(env, config, downstream, request, body, routed.get().mirrors());
        mirroring.sendIfComplete();
        startTimers(routed.get().timeouts());
        FaultInjector.Plan fault = cluster.faults() == null ? FaultInjector.Plan.NONE : cluster.faults().decide();
        if (fault.delay().isPresent()) {
            report.flag("DI");
            downstream.loop().schedule(() -> afterDelay(fault.abort()), fault.delay().get().toNanos(),
                    TimeUnit.NANOSECONDS);
        } else {
            afterDelay(fault.abort());
        }
    }

    boolean isFinished() {
        return finished;
    }

    RequestSpans spans() {
        return report.spans();
    }

    private void startTimers(RouteTimeouts timeouts) {
        Optional<Duration> requestTimeout = timeouts.request().isPresent()
                ? timeouts.request().filter(timeout -> !timeout.isZero()) : cluster.timeout();
        perTryTimeout = timeouts.backendRequest().filter(timeout -> !timeout.isZero())
                .or(() -> cluster.retryPolicy().flatMap(RetryPolicy::perTryTimeout));
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
        cluster.budget().onRequest();
        startAttempt();
    }

    // ---- attempts

    private void startAttempt() {
        Optional<UpstreamHost> host = cluster.pick(System.nanoTime());
        if (host.isEmpty()) {
            localReply(HttpResponseStatus.SERVICE_UNAVAILABLE, "no healthy upstream", "UH");
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
        attempt = new UpstreamAttempt(this, env, downstream, cluster, host.get(), retry);
        lastHost = host.get();
        // Without an appProtocol, only gRPC (which needs HTTP/2) goes upstream as HTTP/2.
        UpstreamProtocol protocol = cluster.protocol().orElse(grpc ? UpstreamProtocol.HTTP2 : UpstreamProtocol.HTTP1);
        attempt.connect(perTryTimeout, protocol);
    }

    private void overflow(String reason) {
        FullHttpResponse reply = LocalReply.of(downstream.allocator(), HttpResponseStatus.SERVICE_UNAVAILABLE, reason,
                grpc);
        reply.headers().set(OVERLOADED, "true");
        report.entry().put(AccessLogField.DETAIL, reason);
        reply(reply, "UO");
    }

    /**
     * Schedules another attempt if the policy, the attempts left, the body (still replayable) and the budget allow.
     *
     * @return false when the caller must answer with the failure instead
     */
    private boolean retry() {
        RetryConditions conditions = cluster.retryConditions();
        RetryPolicy policy = cluster.retryPolicy().orElse(null);
        if (conditions == null || attempts > policy.attempts() || !body.replayable() || responseStarted) {
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
            if (!finished) {
                body.rewind();
                startAttempt();
            }
        }, delay, TimeUnit.NANOSECONDS);
        return true;
    }

    private boolean retriable(RetryConditions.Failure failure) {
        return cluster.retryConditions() != null && cluster.retryConditions().retriable(failure);
    }

    boolean isCurrent(UpstreamAttempt candidate) {
        return attempt == candidate && !finished;
    }

    /** The attempt has its stream: send the head and what there is of the body, and start reading the answer. */
    void attemptConnected(UpstreamAttempt connected, UpstreamProtocol protocol) {
        UpstreamStream stream = connected.stream();
        stream.attach(this);
        HttpRequest head = head(protocol);
        connected.span().inject(head.headers());
        stream.write(head);
        body.sendTo(stream);
        stream.flush();
        stream.read();
        if (!body.complete() && stream.isWritable()) {
            downstream.read();
        }
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
        cluster.serverError(failed.host());
        if (retriable(RetryConditions.Failure.CONNECT_FAILURE) && retry()) {
            return;
        }
        localReply(HttpResponseStatus.SERVICE_UNAVAILABLE, "upstream connect error: " + cause.getMessage(), "UF");
    }

    void attemptTimedOut(UpstreamAttempt timedOut) {
        if (!isCurrent(timedOut) || responseStarted) {
            return;
        }
        timedOut.abort();
        cluster.serverError(timedOut.host());
        if (retriable(RetryConditions.Failure.TIMEOUT) && retry()) {
            return;
        }
        localReply(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream per-try timeout", "UT");
    }

    private HttpRequest head(UpstreamProtocol protocol) {
        HttpHeaders headers = request.headers().copy();
        if (protocol == UpstreamProtocol.HTTP1 && expectsBody && !HttpUtil.isContentLengthSet(request)) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        }
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(), headers);
    }

    // ---- request body from the client

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
        UpstreamStream stream = attempt == null ? null : attempt.stream();
        if (stream != null) {
            body.sendTo(stream);
            stream.flush();
            if (!body.complete() && stream.isWritable()) {
                downstream.read();
            }
        }
    }

    public void onDownstreamWritable() {
        if (responseStarted && attempt != null && attempt.stream() != null && !finished) {
            attempt.stream().read();
        }
    }

    /** The client went away: everything upstream is abandoned. */
    public void onDownstreamClosed() {
        if (finished) {
            return;
        }
        report.flag("DC");
        if (attempt != null) {
            attempt.abort();
        }
        finish(false);
    }

    // ---- response from the backend

    @Override
    public void onResponse(HttpObject message) {
        if (finished || attempt == null) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (message instanceof HttpResponse response && !responseStarted) {
            if (response.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL
                    && !(response instanceof FullHttpResponse)) {
                // 100 Continue and friends: the downstream codec answered Expect already.
                attempt.stream().read();
                return;
            }
            if (responseHead(response)) {
                return;
            }
        }
        if (message instanceof HttpContent content && responseStarted) {
            report.addBytesSent(content.content().readableBytes());
            boolean last = content instanceof LastHttpContent;
            if (!(message instanceof HttpResponse)) {
                downstream.write(content);
            }
            if (last) {
                responseComplete();
            } else if (downstream.isWritable()) {
                attempt.stream().read();
            }
        } else if (!(message instanceof HttpResponse)) {
            ReferenceCountUtil.release(message);
        }
    }

    /** @return true when the head was consumed (a retry), false when it was forwarded */
    private boolean responseHead(HttpResponse response) {
        int code = response.status().code();
        attempt.span().responded(code);
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
        responseStarted = true;
        report.status(code);
        attempt.end(true);
        HttpHeaders headers = response.headers();
        MessageHeaders.stripHopByHop(headers);
        if (route != null) {
            route.rule().filters().responseHeaders().ifPresent(modifier -> HeaderEdits.apply(modifier, headers));
        }
        downstream.write(response);
        if (!(response instanceof FullHttpResponse) && downstream.isWritable()) {
            attempt.stream().read();
        }
        return false;
    }

    private static boolean isGrpcServerError(int grpcStatus) {
        // UNKNOWN, DEADLINE_EXCEEDED, INTERNAL, UNAVAILABLE, DATA_LOSS: what Envoy treats as gateway failures.
        return grpcStatus == 2 || grpcStatus == 4 || grpcStatus == 13 || grpcStatus == 14 || grpcStatus == 15;
    }

    @Override
    public void onWritable() {
        if (!finished && !body.complete()) {
            downstream.read();
        }
    }

    @Override
    public void onStreamError(Throwable cause) {
        if (finished || attempt == null) {
            return;
        }
        UpstreamAttempt failed = attempt;
        failed.stream().abort();
        if (responseStarted) {
            report.flag("UPE");
            report.entry().put(AccessLogField.DETAIL, "upstream reset mid-response: " + describe(cause));
            downstream.reset();
            finish(false);
            return;
        }
        failed.span().failed("reset");
        failed.end(false);
        cluster.serverError(failed.host());
        report.entry().put(AccessLogField.DETAIL, describe(cause));
        if (retriable(RetryConditions.Failure.RESET) && retry()) {
            return;
        }
        localReply(HttpResponseStatus.BAD_GATEWAY, "upstream reset before response: " + describe(cause), "UC");
    }

    private static String describe(Throwable cause) {
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    private void requestTimedOut() {
        if (finished) {
            return;
        }
        if (attempt != null) {
            attempt.abort();
        }
        if (responseStarted) {
            report.flag("UT");
            downstream.reset();
            finish(false);
        } else {
            localReply(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream request timeout", "UT");
        }
    }

    private void responseComplete() {
        attempt.stream().release(body.allSent());
        finish(true);
    }

    // ---- local replies and the end

    void localReply(HttpResponseStatus replyStatus, String reason, String flag) {
        reply(LocalReply.of(downstream.allocator(), replyStatus, reason, grpc), flag);
    }

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
        if (attempt != null) {
            attempt.abort();
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
        cancelRequestTimer();
        body.release();
        record();
        if (responded) {
            downstream.done(body.complete());
        }
    }

    private void cancelRequestTimer() {
        if (requestTimer != null) {
            requestTimer.cancel(false);
        }
    }

    private void record() {
        report.write(serviceKey, cluster, lastHost, attempts, body.bytes());
        if (log.isDebugEnabled()) {
            log.debug("event=request_done status={} flags={} attempts={}", report.status(), report.flags(), attempts);
        }
    }
}
