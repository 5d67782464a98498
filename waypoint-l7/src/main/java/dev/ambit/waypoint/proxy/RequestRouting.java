package dev.ambit.waypoint.proxy;

import dev.ambit.api.model.route.BackendRef;
import dev.ambit.api.model.route.RequestRedirect;
import dev.ambit.api.model.route.RouteFilters;
import dev.ambit.api.model.route.RouteRule;
import dev.ambit.api.model.route.RouteTimeouts;
import dev.ambit.api.model.traffic.Mirror;
import dev.ambit.waypoint.http.LocalReply;
import dev.ambit.waypoint.observe.AccessLogEntry;
import dev.ambit.waypoint.observe.AccessLogField;
import dev.ambit.waypoint.route.GatewayListener;
import dev.ambit.waypoint.route.HeaderEdits;
import dev.ambit.waypoint.route.PathRewrite;
import dev.ambit.waypoint.route.Redirects;
import dev.ambit.waypoint.route.RouteRequest;
import dev.ambit.waypoint.route.RouteSelection;
import dev.ambit.waypoint.route.ServiceKey;
import dev.ambit.waypoint.route.WeightedBackends;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Route selection for an admitted request: the destination's matching route rule (when it has routes), the rule's
 * redirect or request filters (header edits, rewrites), and the weighted pick of a backend. A request that matches
 * nothing, or is redirected, is answered through the exchange.
 */
final class RequestRouting {

    /**
     * Where an admitted request goes.
     *
     * @param route    the matched route, null when the service has no routes
     * @param cluster  the backend picked
     * @param mirrors  the rule's mirrors and the backend's own
     * @param timeouts the rule's timeouts
     */
    record Routed(RouteSelection route, Cluster cluster, List<Mirror> mirrors, RouteTimeouts timeouts) {
    }

    private final RequestExchange exchange;
    private final ExchangeEnvironment env;
    private final CompiledConfig config;
    private final Downstream downstream;
    private final HttpRequest request;
    private final AccessLogEntry entry;

    RequestRouting(RequestExchange exchange, ExchangeEnvironment env, CompiledConfig config, Downstream downstream,
            HttpRequest request, AccessLogEntry entry) {
        this.exchange = exchange;
        this.env = env;
        this.config = config;
        this.downstream = downstream;
        this.request = request;
        this.entry = entry;
    }

    /** @return where the request goes, or empty when it was answered here */
    Optional<Routed> route(ServiceKey serviceKey) {
        // At an ingress gateway only routes lead anywhere; a service without routes goes straight to its endpoints.
        boolean byRoutes = downstream.gatewayPort().isPresent() || config.routes().hasRoutes(serviceKey);
        Optional<RouteSelection> selection = byRoutes ? selectRoute(serviceKey) : Optional.empty();
        if (byRoutes && selection.isEmpty()) {
            exchange.localReply(HttpResponseStatus.NOT_FOUND, "no route matched", "NR");
            return Optional.empty();
        }
        RouteSelection route = selection.orElse(null);
        if (route != null) {
            entry.put(AccessLogField.ROUTE, route.route());
        }
        RouteRule rule = route == null ? null : route.rule();
        RouteFilters filters = rule == null ? RouteFilters.NONE : rule.filters();
        if (filters.redirect().isPresent()) {
            redirect(filters.redirect().get(), route);
            return Optional.empty();
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
                exchange.localReply(HttpResponseStatus.INTERNAL_SERVER_ERROR, "route has no backend", "NR");
                return Optional.empty();
            }
            backend = new ServiceKey(picked.get().service().service(), picked.get().service().port().getAsInt());
        }
        Optional<Cluster> target = config.cluster(backend);
        if (target.isEmpty()) {
            exchange.localReply(HttpResponseStatus.INTERNAL_SERVER_ERROR, "backend " + backend
                    + " is not a known service", "NR");
            return Optional.empty();
        }
        Cluster cluster = target.get();
        entry.put(AccessLogField.UPSTREAM_SERVICE, cluster.authority());
        List<Mirror> mirrors = filters.mirrors();
        if (cluster.mirror().isPresent()) {
            mirrors = new ArrayList<>(mirrors);
            mirrors.add(cluster.mirror().get());
        }
        return Optional.of(new Routed(route, cluster, mirrors, rule == null ? RouteTimeouts.NONE : rule.timeouts()));
    }

    /**
     * The route that matches the request: at an ingress gateway among those of the listener its port and host pick,
     * else among the service's.
     */
    private Optional<RouteSelection> selectRoute(ServiceKey serviceKey) {
        RouteRequest routeRequest = RouteRequest.of(request.method().name(), request.uri(), request.headers());
        if (downstream.gatewayPort().isPresent()) {
            String host = GatewayListener.hostOf(request.headers().get(HttpHeaderNames.HOST));
            return downstream.gatewayPort().get().listenerFor(host)
                    .flatMap(listener -> config.routes().route(listener, host, routeRequest));
        }
        return config.routes().route(serviceKey, routeRequest);
    }

    private void redirect(RequestRedirect redirect, RouteSelection route) {
        String uri = request.uri();
        int question = uri.indexOf('?');
        HostAndPort authority = HostAndPort.parse(request.headers().get(HttpHeaderNames.HOST, ""));
        String location = Redirects.location(redirect, "http", authority.host(), authority.port(),
                question < 0 ? uri : uri.substring(0, question), question < 0 ? "" : uri.substring(question + 1),
                route.matcher().matchedPrefix());
        FullHttpResponse reply = LocalReply.of(downstream.allocator(),
                HttpResponseStatus.valueOf(redirect.statusCode()), "redirecting to " + location, false);
        reply.headers().set(HttpHeaderNames.LOCATION, location);
        exchange.reply(reply, null);
    }
}
