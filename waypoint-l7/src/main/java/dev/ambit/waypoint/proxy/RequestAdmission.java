package dev.ambit.waypoint.proxy;

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
import dev.ambit.waypoint.observe.TraceContext;
import dev.ambit.waypoint.route.ServiceKey;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * What a request head must pass before it is routed: a target that is an absolute path, a request id and trace
 * context, a known destination service, authentication (JWT, possibly completing off the event loop) and
 * authorization. A refusal is answered through the exchange; an admitted request goes on to
 * {@link RequestExchange#admitted}.
 */
final class RequestAdmission {

    private static final String REQUEST_ID = "x-request-id";

    private final RequestExchange exchange;
    private final ExchangeEnvironment env;
    private final CompiledConfig config;
    private final Downstream downstream;
    private final HttpRequest request;
    private final AccessLogEntry entry;
    private final boolean grpc;
    private ServiceKey serviceKey;

    RequestAdmission(RequestExchange exchange, ExchangeEnvironment env, CompiledConfig config, Downstream downstream,
            HttpRequest request, AccessLogEntry entry, boolean grpc) {
        this.exchange = exchange;
        this.env = env;
        this.config = config;
        this.downstream = downstream;
        this.request = request;
        this.entry = entry;
        this.grpc = grpc;
    }

    void start() {
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
            exchange.localReply(HttpResponseStatus.BAD_REQUEST, "request target is not an absolute path", "DPE");
            return;
        }
        request.setUri(target);
        MessageHeaders.stripHopByHop(headers);
        if (!headers.contains(REQUEST_ID)) {
            headers.set(REQUEST_ID, new UUID(env.random().nextLong(), env.random().nextLong()).toString());
        }
        TraceContext trace = exchange.spans().serverStarted(TraceContext.continueFrom(headers, env.random()), request);
        trace.inject(headers);
        entry.put(AccessLogField.REQUEST_ID, headers.get(REQUEST_ID))
                .put(AccessLogField.TRACE_ID, trace.traceId())
                .put(AccessLogField.SPAN_ID, trace.spanId());
        // At an ingress gateway the Gateway's routes pick the service; the listener stands in for the destination.
        Optional<ServiceKey> destination = downstream.gatewayPort().isPresent()
                ? downstream.gatewayPort().map(port -> new ServiceKey(port.gateway(), port.port()))
                : config.directory().resolve(downstream.destination(), headers.get(HttpHeaderNames.HOST));
        if (destination.isEmpty()) {
            exchange.localReply(HttpResponseStatus.NOT_FOUND, "no service for host " + headers.get(HttpHeaderNames.HOST),
                    "NR");
            return;
        }
        serviceKey = destination.get();
        exchange.destinationResolved(serviceKey);
        CompletableFuture<Optional<VerifiedJwt>> authentication =
                config.authentication(serviceKey.service()).authenticate(headers);
        if (authentication.isDone()) {
            authenticated(authentication);
        } else {
            authentication.whenComplete((result, error) -> downstream.loop().execute(() -> authenticated(authentication)));
        }
    }

    private void authenticated(CompletableFuture<Optional<VerifiedJwt>> authentication) {
        if (exchange.isFinished()) {
            return;
        }
        VerifiedJwt jwt;
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
            exchange.reply(reply, "UAEX");
            return;
        }
        if (jwt != null) {
            entry.put(AccessLogField.JWT_ISSUER, jwt.issuer()).put(AccessLogField.JWT_SUBJECT, jwt.subject());
            if (!jwt.forward()) {
                request.headers().remove(jwt.header());
            }
        }
        AuthorizationEngine authorization = config.authorization(serviceKey.service());
        AuthzDecision decision = authorization.allowsAll() ? AuthzDecision.ALLOW
                : authorization.decide(authzRequest(jwt));
        if (!decision.allowed()) {
            entry.put(AccessLogField.DETAIL, decision.reason());
            exchange.localReply(HttpResponseStatus.FORBIDDEN, "RBAC: access denied: " + decision.reason(), "RBAC");
            return;
        }
        exchange.admitted();
    }

    private AuthzRequest authzRequest(VerifiedJwt jwt) {
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
}
