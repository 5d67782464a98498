package dev.ambit.api.config;

import dev.ambit.api.config.v1.HttpRoute;
import dev.ambit.api.config.v1.Resource;
import dev.ambit.api.model.ConfigPath;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.route.GatewayParentRef;
import dev.ambit.api.model.route.BackendRef;
import dev.ambit.api.model.route.HeaderMatch;
import dev.ambit.api.model.route.MatchType;
import dev.ambit.api.model.route.PathMatch;
import dev.ambit.api.model.route.RouteFilters;
import dev.ambit.api.model.route.RouteMatch;
import dev.ambit.api.model.route.RouteRule;
import dev.ambit.api.model.route.RouteTimeouts;

/**
 * {@link dev.ambit.api.model.route.HttpRoute} ↔ {@code ambit.config.v1.HttpRoute}; filters are in
 * {@link RouteFilterCodec}. Unset match types take Gateway API's defaults: PREFIX for paths, EXACT for headers.
 */
final class HttpRouteCodec extends KindCodec<dev.ambit.api.model.route.HttpRoute> {

    /** Gateway API's default backend weight. */
    private static final int DEFAULT_WEIGHT = 1;

    HttpRouteCodec() {
        super(dev.ambit.api.model.route.HttpRoute.class);
    }

    @Override
    void encode(dev.ambit.api.model.route.HttpRoute route, Resource.Builder resource) {
        var proto = HttpRoute.newBuilder()
                .setName(route.name().name())
                .setNamespace(route.name().namespace());
        route.parentRefs().forEach(parent -> proto.addParentRefs(ValueCodec.toProto(parent)));
        route.gatewayParentRefs().forEach(parent -> proto.addGatewayParentRefs(toProto(parent)));
        proto.addAllHostnames(route.hostnames());
        route.rules().forEach(rule -> proto.addRules(toProto(rule)));
        resource.setHttpRoute(proto);
    }

    @Override
    dev.ambit.api.model.route.HttpRoute decode(Resource resource) {
        HttpRoute proto = resource.getHttpRoute();
        return ValueCodec.namespaced(ResourceType.HTTP_ROUTE, proto.getNamespace(), proto.getName(),
                name -> new dev.ambit.api.model.route.HttpRoute(
                        name,
                        ConfigPath.each("parentRefs", proto.getParentRefsList(), ValueCodec::serviceRef),
                        ConfigPath.each("gatewayParentRefs", proto.getGatewayParentRefsList(),
                                HttpRouteCodec::gatewayParent),
                        proto.getHostnamesList(),
                        ConfigPath.each("rules", proto.getRulesList(), HttpRouteCodec::rule)));
    }

    private static GatewayParentRef gatewayParent(HttpRoute.GatewayParentRef proto) {
        return new GatewayParentRef(NamespacedName.of(proto.getNamespace(), proto.getName()),
                ValueCodec.optional(proto.getSectionName()),
                ValueCodec.optionalInt(proto.hasPort(), proto.getPort()));
    }

    private static HttpRoute.GatewayParentRef toProto(GatewayParentRef parent) {
        var proto = HttpRoute.GatewayParentRef.newBuilder()
                .setNamespace(parent.gateway().namespace()).setName(parent.gateway().name());
        parent.sectionName().ifPresent(proto::setSectionName);
        parent.port().ifPresent(proto::setPort);
        return proto.build();
    }

    private static RouteRule rule(HttpRoute.Rule proto) {
        return new RouteRule(
                ConfigPath.each("matches", proto.getMatchesList(), HttpRouteCodec::match),
                ConfigPath.at("filters", () -> RouteFilterCodec.filters(proto.getFilters())),
                ConfigPath.each("backendRefs", proto.getBackendRefsList(), backend -> new BackendRef(
                        ConfigPath.at("service", () -> ValueCodec.serviceRef(backend.getService())),
                        backend.hasWeight() ? backend.getWeight() : DEFAULT_WEIGHT)),
                ConfigPath.at("timeouts", () -> new RouteTimeouts(
                        ValueCodec.optional("request", proto.getTimeouts().hasRequest(),
                                proto.getTimeouts().getRequest(), ValueCodec::duration),
                        ValueCodec.optional("backendRequest", proto.getTimeouts().hasBackendRequest(),
                                proto.getTimeouts().getBackendRequest(), ValueCodec::duration))));
    }

    private static RouteMatch match(HttpRoute.Match proto) {
        return new RouteMatch(
                ValueCodec.optional("path", proto.hasPath(), proto.getPath(), path -> new PathMatch(
                        EnumCodec.decode("type", path.getType(), MatchType.class, MatchType.PREFIX), path.getValue())),
                ConfigPath.each("headers", proto.getHeadersList(), HttpRouteCodec::headerMatch),
                ConfigPath.each("queryParams", proto.getQueryParamsList(), HttpRouteCodec::headerMatch),
                ValueCodec.optional(proto.getMethod()));
    }

    private static HeaderMatch headerMatch(HttpRoute.HeaderMatch proto) {
        return new HeaderMatch(proto.getName(),
                EnumCodec.decode("type", proto.getType(), MatchType.class, MatchType.EXACT), proto.getValue());
    }

    private static HttpRoute.Rule toProto(RouteRule rule) {
        var proto = HttpRoute.Rule.newBuilder();
        rule.matches().forEach(match -> proto.addMatches(toProto(match)));
        if (!rule.filters().equals(RouteFilters.NONE)) {
            proto.setFilters(RouteFilterCodec.toProto(rule.filters()));
        }
        rule.backendRefs().forEach(backend -> proto.addBackendRefs(HttpRoute.BackendRef.newBuilder()
                .setService(ValueCodec.toProto(backend.service()))
                .setWeight(backend.weight())));
        if (!rule.timeouts().equals(RouteTimeouts.NONE)) {
            var timeouts = HttpRoute.Timeouts.newBuilder();
            rule.timeouts().request().ifPresent(timeout -> timeouts.setRequest(ValueCodec.toProto(timeout)));
            rule.timeouts().backendRequest()
                    .ifPresent(timeout -> timeouts.setBackendRequest(ValueCodec.toProto(timeout)));
            proto.setTimeouts(timeouts);
        }
        return proto.build();
    }

    private static HttpRoute.Match toProto(RouteMatch match) {
        var proto = HttpRoute.Match.newBuilder().setMethod(match.method().orElse(""));
        match.path().ifPresent(path -> proto.setPath(HttpRoute.PathMatch.newBuilder()
                .setType(EnumCodec.encode(path.type(), HttpRoute.MatchType.class))
                .setValue(path.value())));
        match.headers().forEach(header -> proto.addHeaders(toProto(header)));
        match.queryParams().forEach(param -> proto.addQueryParams(toProto(param)));
        return proto.build();
    }

    private static HttpRoute.HeaderMatch toProto(HeaderMatch match) {
        return HttpRoute.HeaderMatch.newBuilder()
                .setType(EnumCodec.encode(match.type(), HttpRoute.MatchType.class))
                .setName(match.name())
                .setValue(match.value())
                .build();
    }
}
