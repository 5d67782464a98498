package dev.ambit.waypoint.proxy;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.route.BackendRef;
import dev.ambit.api.model.route.RequestRedirect;
import dev.ambit.api.model.route.RouteFilters;
import dev.ambit.api.model.route.RouteRule;
import dev.ambit.api.model.route.RouteTimeouts;
import dev.ambit.api.model.traffic.FaultAbort;
import dev.ambit.api.model.traffic.Mirror;
import dev.ambit.api.model.traffic.RetryPolicy;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.waypoint.authz.AuthorizationEngine;
import dev.ambit.waypoint.authz.AuthzDecision;
import dev.ambit.waypoint.authz.AuthzRequest;
import dev.ambit.waypoint.http.LocalReply;
import dev.ambit.waypoint.http.MessageHeaders;
import dev.ambit.waypoint.http.PathNormalizer;
import dev.ambit.waypoint.jwt.JwtRejection;
import dev.ambit.waypoint.jwt.VerifiedJwt;
import dev.ambit.waypoint.observe.AccessLogEntry;
import dev.ambit.waypoint.observe.AccessLogField;
import dev.ambit.waypoint.observe.RequestLabels;
import dev.ambit.waypoint.observe.TraceContext;
import dev.ambit.waypoint.resilience.FaultInjector;
import dev.ambit.waypoint.resilience.RetryConditions;
import dev.ambit.waypoint.route.HeaderEdits;
import dev.ambit.waypoint.route.PathRewrite;
import dev.ambit.waypoint.route.Redirects;
import dev.ambit.waypoint.route.RouteRequest;
import dev.ambit.waypoint.route.RouteSelection;
import dev.ambit.waypoint.route.ServiceKey;
import dev.ambit.waypoint.route.WeightedBackends;
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
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request through the waypoint, on its downstream's event loop: authenticate (JWT), authorize, route, inject
 * faults, then forward with retries, timeouts and circuit breaking, streaming the body both ways with backpressure;
 * finally one metrics sample and one access-log line.
 *
 * <p>Flow control is pull-based on both sides: a request chunk is read only when the upstream stream can take it,
 * a response message only when the client can.
 */
public final class RequestExchange implements UpstreamListener {

    private static final Logger log = LoggerFactory.getLogger(RequestExchange.class);
    private static final String REQUEST_ID = "x-request-id";
    private static final String OVERLOADED = "x-ambit-overloaded";

    private final ExchangeEnvironment env;
    private final Downstream downstream;
    private final CompiledConfig config;
    private final HttpRequest request;
    private final RequestBody body;
    private final long startNanos = System.nanoTime();
    private final AccessLogEntry entry = new AccessLogEntry();
    private final List<String> flags = new ArrayList<>(2);
    private final boolean grpc;
    private final boolean expectsBody;

    private ServiceKey serviceKey;
    private Cluster cluster;
    private RouteSelection route;
    private VerifiedJwt jwt;
    private List<Mirror> mirrors = List.of();
    private Optional<Duration> perTryTimeout = Optional.empty();
    private ScheduledFuture<?> requestTimer;
    private Attempt attempt;
    private int attempts;
    private boolean responseStarted;
    private boolean finished;
    private int status;
    private long bytesSent;
    private boolean mirrored;
    private UpstreamHost lastHost;

    private RequestExchange(ExchangeEnvironment env, Downstream downstream, HttpRequest request, boolean expectsBody) {
        this.env = env;
        this.downstream = downstream;
        this.config = env.config().get();
        this.request = request;
        this.body = new RequestBody(env.limits().retryBufferBytes());
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

    // ---- request head: authenticate, authorize, route

    /** Authenticates, authorizes and routes the request; may answer it before returning. */
    public void begin() {
        HttpHeaders headers = request.headers();
        entry.put(AccessLogField.START_TIME, Instant.now())
                .put(AccessLogField.METHOD, request.method().name())
                .put(AccessLogField.PATH, request.uri())
                .put(AccessLogField.PROTOCOL, downstream.protocol())
                .put(AccessLogField.AUTHORITY, headers.get(HttpHeaderNames.HOST))
                .put(AccessLogField.USER_AGENT, headers.get(HttpHeaderNames.USER_AGENT))
                .put(AccessLogField.SOURCE_ADDRESS, downstream.sourceAddress())
                .put(AccessLogField.SOURCE_PRINCIPAL, downstream.peer().orElse(null));
        String target = PathNormalizer.normalize(request.uri());
        if (target == null) {
            localReply(HttpResponseStatus.BAD_REQUEST, "request target is not an absolute path", "DPE");
            return;
        }
        request.setUri(target);
        MessageHeaders.stripHopByHop(headers);
        if (!headers.contains(REQUEST_ID)) {
            headers.set(REQUEST_ID, new UUID(env.random().nextLong(), env.random().nextLong()).toString());
        }
        TraceContext trace = TraceContext.continueFrom(headers, env.random());
        trace.inject(headers);
        entry.put(AccessLogField.REQUEST_ID, headers.get(REQUEST_ID))
                .put(AccessLogField.TRACE_ID, trace.traceId())
                .put(AccessLogField.SPAN_ID, trace.spanId());
        Optional<ServiceKey> destination = config.directory().resolve(downstream.destination(),
                headers.get(HttpHeaderNames.HOST));
        if (destination.isEmpty()) {
            localReply(HttpResponseStatus.NOT_FOUND, "no service for host " + headers.get(HttpHeaderNames.HOST), "NR");
            return;
        }
        serviceKey = destination.get();
        CompletableFuture<Optional<VerifiedJwt>> authentication =
                config.authentication(serviceKey.service()).authenticate(headers);
        if (authentication.isDone()) {
            authenticated(authentication);
        } else {
            authentication.whenComplete((result, error) -> downstream.loop().execute(() -> authenticated(authentication)));
        }
    }

    private void authenticated(CompletableFuture<Optional<VerifiedJwt>> authentication) {
        if (finished) {
            return;
        }
        try {
            jwt = authentication.join().orElse(null);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String reason = cause instanceof JwtRejection ? cause.getMessage() : "Jwt validation failed";
            FullHttpResponse reply = LocalReply.of(downstream.allocator(), HttpResponseStatus.UNAUTHORIZED, reason,
                    grpc);
            reply.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"" + serviceKey.service()
                    + "\", error=\"invalid_token\"");
            entry.put(AccessLogField.DETAIL, reason);
            reply(reply, "UAEX");
            return;
        }
        if (jwt != null) {
            entry.put(AccessLogField.JWT_ISSUER, jwt.issuer()).put(AccessLogField.JWT_SUBJECT, jwt.subject());
            if (!jwt.forward()) {
                request.headers().remove(jwt.header());
            }
        }
        AuthorizationEngine authorization = config.authorization(serviceKey.service());
        AuthzDecision decision = authorization.allowsAll() ? AuthzDecision.ALLOW : authorization.decide(authzRequest());
        if (!decision.allowed()) {
            entry.put(AccessLogField.DETAIL, decision.reason());
            localReply(HttpResponseStatus.FORBIDDEN, "RBAC: access denied: " + decision.reason(), "RBAC");
            return;
        }
        route();
    }

    private AuthzRequest authzRequest() {
        HttpHeaders headers = request.headers();
        int questionMark = request.uri().indexOf('?');
        String path = questionMark < 0 ? request.uri() : request.uri().substring(0, questionMark);
        String host = HostAndPort.parse(headers.get(HttpHeaderNames.HOST, "")).host();
        List<Integer> ports = new ArrayList<>(2);
        ports.add(serviceKey.port());
        config.directory().service(serviceKey.service()).flatMap(s -> s.port(serviceKey.port()))
                .ifPresent(port -> ports.add(port.targetPort()));
        Map<String, Object> claims = jwt == null ? Map.of() : jwt.claims();
        return new AuthzRequest(downstream.peer(), downstream.sourceAddress(),
                downstream.destination().map(d -> d.getAddress().getHostAddress()).orElse(""), ports,
                request.method().name(), host, path, headers, claims);
    }

    private void route() {
        RouteRule rule;
        if (config.routes().hasRoutes(serviceKey)) {
            Optional<RouteSelection> selection = config.routes().route(serviceKey,
                    RouteRequest.of(request.method().name(), request.uri(), request.headers()));
            if (selection.isEmpty()) {
                localReply(HttpResponseStatus.NOT_FOUND, "no route matched", "NR");
                return;
            }
            route = selection.get();
            rule = route.rule();
            entry.put(AccessLogField.ROUTE, route.route());
        } else {
            rule = null;
        }
        RouteFilters filters = rule == null ? RouteFilters.NONE : rule.filters();
        if (filters.redirect().isPresent()) {
            redirect(filters.redirect().get());
            return;
        }
        filters.requestHeaders().ifPresent(modifier -> HeaderEdits.apply(modifier, request.headers()));
        filters.rewrite().ifPresent(rewrite -> {
            rewrite.hostname().ifPresent(host -> request.headers().set(HttpHeaderNames.HOST, host));
            rewrite.path().ifPresent(path -> {
                int question = request.uri().indexOf('?');
                String oldPath = question < 0 ? request.uri() : request.uri().substring(0, question);
                String query = question < 0 ? "" : request.uri().substring(question);
                request.setUri(PathRewrite.apply(path, oldPath, route.matcher().matchedPrefix()) + query);
            });
        });
        ServiceKey backend;
        if (rule == null) {
            backend = serviceKey;
        } else {
            Optional<BackendRef> picked = WeightedBackends.pick(rule.backendRefs(), env.random());
            if (picked.isEmpty()) {
                localReply(HttpResponseStatus.INTERNAL_SERVER_ERROR, "route has no backend", "NR");
                return;
            }
            backend = new ServiceKey(picked.get().service().service(), picked.get().service().port().getAsInt());
        }
        Optional<Cluster> target = config.cluster(backend);
        if (target.isEmpty()) {
            localReply(HttpResponseStatus.INTERNAL_SERVER_ERROR, "backend " + backend + " is not a known service", "NR");
            return;
        }
        cluster = target.get();
        entry.put(AccessLogField.UPSTREAM_SERVICE, cluster.authority());
        mirrors = filters.mirrors();
        if (cluster.mirror().isPresent()) {
            mirrors = new ArrayList<>(mirrors);
            mirrors.add(cluster.mirror().get());
        }
        mirror();
        startTimers(rule == null ? RouteTimeouts.NONE : rule.timeouts());
        FaultInjector.Plan fault = cluster.faults() == null ? FaultInjector.Plan.NONE : cluster.faults().decide();
        if (fault.delay().isPresent()) {
            flags.add("DI");
            downstream.loop().schedule(() -> afterDelay(fault.abort()), fault.delay().get().toNanos(),
                    TimeUnit.NANOSECONDS);
        } else {
            afterDelay(fault.abort());
        }
    }

    private void redirect(RequestRedirect redirect) {
        String uri = request.uri();
        int question = uri.indexOf('?');
        HostAndPort authority = HostAndPort.parse(request.headers().get(HttpHeaderNames.HOST, ""));
        String location = Redirects.location(redirect, "http", authority.host(), authority.port(),
                question < 0 ? uri : uri.substring(0, question), question < 0 ? "" : uri.substring(question + 1),
                route.matcher().matchedPrefix());
        FullHttpResponse reply = LocalReply.of(downstream.allocator(),
                HttpResponseStatus.valueOf(redirect.statusCode()), "redirecting to " + location, false);
        reply.headers().set(HttpHeaderNames.LOCATION, location);
        reply(reply, null);
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
            flags.add("FI");
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
        attempt = new Attempt(host.get(), retry);
        lastHost = host.get();
        attempt.connect();
    }

    private void overflow(String reason) {
        FullHttpResponse reply = LocalReply.of(downstream.allocator(), HttpResponseStatus.SERVICE_UNAVAILABLE, reason,
                grpc);
        reply.headers().set(OVERLOADED, "true");
        entry.put(AccessLogField.DETAIL, reason);
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
            flags.add("URX");
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

    /** One try against one endpoint. */
    private final class Attempt {

        private final UpstreamHost host;
        private final boolean retry;
        private final long started = System.nanoTime();
        private UpstreamStream stream;
        private ScheduledFuture<?> timer;
        private boolean pending = true;
        private boolean ended;

        Attempt(UpstreamHost host, boolean retry) {
            this.host = host;
            this.retry = retry;
            host.requestStarted();
        }

        void connect() {
            perTryTimeout.ifPresent(timeout -> timer = downstream.loop().schedule(this::timedOut, timeout.toNanos(),
                    TimeUnit.NANOSECONDS));
            // Without an appProtocol, only gRPC (which needs HTTP/2) goes upstream as HTTP/2.
            UpstreamProtocol protocol = cluster.protocol().orElse(grpc ? UpstreamProtocol.HTTP2 : UpstreamProtocol.HTTP1);
            env.pools().acquire(downstream.loop(), host.target(), protocol, cluster.breaker())
                    .addListener((Future<UpstreamStream> done) -> connected(done, protocol));
        }

        private void connected(Future<UpstreamStream> done, UpstreamProtocol protocol) {
            notPending();
            if (!done.isSuccess()) {
                if (attempt == this && !finished) {
                    connectFailed(done.cause());
                }
                return;
            }
            stream = done.getNow();
            if (attempt != this || finished || ended) {
                stream.abort();
                return;
            }
            stream.attach(RequestExchange.this);
            stream.write(head(protocol));
            body.sendTo(stream);
            stream.flush();
            stream.read();
            if (!body.complete() && stream.isWritable()) {
                downstream.read();
            }
        }

        private void connectFailed(Throwable cause) {
            end(false);
            entry.put(AccessLogField.DETAIL, cause.getMessage());
            if (cause instanceof UpstreamOverflowException) {
                overflow(cause.getMessage());
                return;
            }
            cluster.serverError(host);
            if (retriable(RetryConditions.Failure.CONNECT_FAILURE) && retry()) {
                return;
            }
            localReply(HttpResponseStatus.SERVICE_UNAVAILABLE, "upstream connect error: " + cause.getMessage(), "UF");
        }

        private void timedOut() {
            if (attempt != this || finished || responseStarted) {
                return;
            }
            abort();
            cluster.serverError(host);
            if (retriable(RetryConditions.Failure.TIMEOUT) && retry()) {
                return;
            }
            localReply(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream per-try timeout", "UT");
        }

        /** Stops this attempt's stream and counters; safe to call more than once. */
        void abort() {
            if (stream != null) {
                stream.abort();
            }
            end(false);
        }

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
        entry.put(AccessLogField.BYTES_RECEIVED, body.bytes());
        if (body.bytes() > env.limits().maxRequestBodyBytes()) {
            localReply(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body is larger than "
                    + env.limits().maxRequestBodyBytes() + " bytes", "DPE");
            return;
        }
        mirror();
        if (attempt != null && attempt.stream != null) {
            body.sendTo(attempt.stream);
            attempt.stream.flush();
            if (!body.complete() && attempt.stream.isWritable()) {
                downstream.read();
            }
        }
    }

    public void onDownstreamWritable() {
        if (responseStarted && attempt != null && attempt.stream != null && !finished) {
            attempt.stream.read();
        }
    }

    /** The client went away: everything upstream is abandoned. */
    public void onDownstreamClosed() {
        if (finished) {
            return;
        }
        flags.add("DC");
        if (attempt != null) {
            attempt.abort();
        }
        finish(false);
    }

    /** Shadows the request once its whole body is here; bodies beyond the retry buffer are not mirrored. */
    private void mirror() {
        if (mirrored || mirrors.isEmpty() || !body.complete() || !body.replayable()) {
            return;
        }
        mirrored = true;
        for (Mirror mirror : mirrors) {
            if (env.random().nextDouble() * 100 >= mirror.percentage()) {
                continue;
            }
            ServiceKey key = new ServiceKey(mirror.backend().service(), mirror.backend().port().getAsInt());
            config.cluster(key).ifPresent(target -> ShadowRequest.send(env, downstream.loop(), target, shadowHead(),
                    body.copy()));
        }
    }

    /** Envoy's convention: the shadow's host gets {@code -shadow} so backends can tell it from real traffic. */
    private HttpRequest shadowHead() {
        HttpHeaders headers = request.headers().copy();
        String host = headers.get(HttpHeaderNames.HOST, "");
        HostAndPort authority = HostAndPort.parse(host);
        headers.set(HttpHeaderNames.HOST, authority.host() + "-shadow" + (authority.port() > 0 ? ":" + authority.port() : ""));
        headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
        headers.setInt(HttpHeaderNames.CONTENT_LENGTH, (int) body.bytes());
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), request.uri(), headers);
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
                attempt.stream.read();
                return;
            }
            if (responseHead(response)) {
                return;
            }
        }
        if (message instanceof HttpContent content && responseStarted) {
            bytesSent += content.content().readableBytes();
            boolean last = content instanceof LastHttpContent;
            if (!(message instanceof HttpResponse)) {
                downstream.write(content);
            }
            if (last) {
                responseComplete();
            } else if (downstream.isWritable()) {
                attempt.stream.read();
            }
        } else if (!(message instanceof HttpResponse)) {
            ReferenceCountUtil.release(message);
        }
    }

    /** @return true when the head was consumed (a retry), false when it was forwarded */
    private boolean responseHead(HttpResponse response) {
        int code = response.status().code();
        int grpcStatus = response instanceof FullHttpResponse ? response.headers().getInt("grpc-status", -1) : -1;
        boolean serverError = code >= 500 || (grpcStatus >= 0 && isGrpcServerError(grpcStatus));
        if (serverError) {
            cluster.serverError(attempt.host);
        } else {
            cluster.success(attempt.host);
        }
        RetryConditions conditions = cluster.retryConditions();
        if (conditions != null && conditions.retriable(code, grpcStatus)) {
            Attempt failed = attempt;
            if (retry()) {
                ReferenceCountUtil.release(response);
                failed.abort();
                return true;
            }
        }
        responseStarted = true;
        status = code;
        attempt.end(true);
        HttpHeaders headers = response.headers();
        MessageHeaders.stripHopByHop(headers);
        if (route != null) {
            route.rule().filters().responseHeaders().ifPresent(modifier -> HeaderEdits.apply(modifier, headers));
        }
        downstream.write(response);
        if (!(response instanceof FullHttpResponse) && downstream.isWritable()) {
            attempt.stream.read();
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
        Attempt failed = attempt;
        failed.stream.abort();
        if (responseStarted) {
            flags.add("UPE");
            entry.put(AccessLogField.DETAIL, "upstream reset mid-response: " + describe(cause));
            downstream.reset();
            finish(false);
            return;
        }
        failed.end(false);
        cluster.serverError(failed.host);
        entry.put(AccessLogField.DETAIL, describe(cause));
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
            flags.add("UT");
            downstream.reset();
            finish(false);
        } else {
            localReply(HttpResponseStatus.GATEWAY_TIMEOUT, "upstream request timeout", "UT");
        }
    }

    private void responseComplete() {
        Attempt done = attempt;
        done.stream.release(body.allSent());
        finish(true);
    }

    // ---- local replies and the end

    private void localReply(HttpResponseStatus replyStatus, String reason, String flag) {
        reply(LocalReply.of(downstream.allocator(), replyStatus, reason, grpc), flag);
    }

    private void reply(FullHttpResponse response, String flag) {
        if (finished) {
            response.release();
            return;
        }
        if (flag != null) {
            flags.add(flag);
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
        status = response.status().code();
        bytesSent = response.content().readableBytes();
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
        long duration = System.nanoTime() - startNanos;
        Optional<Workload> source = downstream.peer().flatMap(config.directory()::workloadOf);
        Optional<Workload> destination = lastHost == null ? Optional.empty() : lastHost.target().workload();
        String service = cluster != null ? cluster.service().hostname()
                : serviceKey != null ? config.directory().service(serviceKey.service()).map(s -> s.hostname())
                        .orElse(RequestLabels.UNKNOWN) : RequestLabels.UNKNOWN;
        env.metrics().record(new RequestLabels(
                source.map(Workload::canonicalName).orElse(RequestLabels.UNKNOWN),
                source.map(w -> w.name().namespace())
                        .orElse(downstream.peer().map(SpiffeId::namespace).orElse(RequestLabels.UNKNOWN)),
                downstream.peer().map(SpiffeId::uri).orElse(RequestLabels.UNKNOWN),
                destination.map(Workload::canonicalName).orElse(RequestLabels.UNKNOWN),
                destination.map(w -> w.name().namespace()).orElse(
                        cluster != null ? cluster.key().service().namespace() : RequestLabels.UNKNOWN),
                service,
                RequestLabels.methodClass(request.method().name()),
                status), duration);
        entry.put(AccessLogField.RESPONSE_CODE, status)
                .put(AccessLogField.RESPONSE_FLAGS, flags.isEmpty() ? "-" : String.join(",", flags))
                .put(AccessLogField.BYTES_RECEIVED, body.bytes())
                .put(AccessLogField.BYTES_SENT, bytesSent)
                .put(AccessLogField.DURATION_MS, duration / 1_000_000)
                .put(AccessLogField.ATTEMPTS, attempts)
                .put(AccessLogField.UPSTREAM_HOST, lastHost == null ? null : lastHost.target());
        env.accessLog().write(entry);
        if (log.isDebugEnabled()) {
            log.debug("event=request_done status={} flags={} attempts={}", status, flags, attempts);
        }
    }
}
