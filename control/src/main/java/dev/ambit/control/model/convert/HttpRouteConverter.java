package dev.ambit.control.model.convert;

import static dev.ambit.api.model.ConfigPath.at;
import static dev.ambit.api.model.ConfigPath.each;
import static dev.ambit.control.model.convert.Fields.list;
import static dev.ambit.control.model.convert.Fields.optionalInt;
import static dev.ambit.control.model.convert.Fields.optionalText;

import dev.ambit.api.model.InvalidConfigException;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.ServiceRef;
import dev.ambit.api.model.route.BackendRef;
import dev.ambit.api.model.route.GatewayParentRef;
import dev.ambit.api.model.route.HeaderMatch;
import dev.ambit.api.model.route.HeaderModifier;
import dev.ambit.api.model.route.HttpRoute;
import dev.ambit.api.model.route.MatchType;
import dev.ambit.api.model.route.PathMatch;
import dev.ambit.api.model.route.PathReplacement;
import dev.ambit.api.model.route.RequestRedirect;
import dev.ambit.api.model.route.RouteFilters;
import dev.ambit.api.model.route.RouteMatch;
import dev.ambit.api.model.route.RouteRule;
import dev.ambit.api.model.route.RouteTimeouts;
import dev.ambit.api.model.route.UrlRewrite;
import dev.ambit.api.model.traffic.Mirror;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeader;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPHeaderFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathModifier;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A Gateway API {@code HTTPRoute} into the model: its parents that are core {@code Service}s (GAMMA, served by
 * waypoints) and its parents that are Ambit ingress {@code Gateway}s it attaches to ({@link GatewayAttachment}).
 * Parents of other gateways are not ours; a route with none of ours is skipped, so another controller's routes
 * never draw our errors.
 */
public final class HttpRouteConverter {

    private HttpRouteConverter() {
    }

    /** A route with service parents only: no Gateway is an Ambit ingress. */
    public static Optional<HttpRoute> convert(HTTPRoute route) {
        return convert(route, gateway -> Optional.empty());
    }

    /** @param gateways the Gateway of a name, if it exists */
    public static Optional<HttpRoute> convert(HTTPRoute route, Function<NamespacedName, Optional<Gateway>> gateways) {
        NamespacedName name = SecurityPolicyConverter.nameOf(route);
        var spec = SecurityPolicyConverter.spec(route.getSpec());
        List<ServiceRef> parents = new ArrayList<>();
        List<GatewayParentRef> gatewayParents = new ArrayList<>();
        List<String> hostnames = list(spec.getHostnames());
        List<ParentReference> refs = list(spec.getParentRefs());
        for (int i = 0; i < refs.size(); i++) {
            ParentReference ref = refs.get(i);
            if (isService(ref.getGroup(), ref.getKind())) {
                String field = "spec.parentRefs[" + i + "]";
                parents.add(at(field, () -> new ServiceRef(
                        NamespacedName.of(ref.getNamespace() == null ? name.namespace() : ref.getNamespace(),
                                ref.getName()), optionalInt(ref.getPort()))));
            } else if (GatewayAttachment.isGatewayRef(ref) && ref.getName() != null) {
                NamespacedName gateway = NamespacedName.of(GatewayAttachment.namespaceOf(ref, name.namespace()),
                        ref.getName());
                boolean attached = gateways.apply(gateway).filter(found ->
                        !GatewayAttachment.listeners(found, ref, name.namespace(), hostnames).isEmpty()).isPresent();
                if (attached) {
                    String field = "spec.parentRefs[" + i + "]";
                    gatewayParents.add(at(field, () -> new GatewayParentRef(gateway,
                            optionalText(ref.getSectionName()), optionalInt(ref.getPort()))));
                }
            }
        }
        if (parents.isEmpty() && gatewayParents.isEmpty()) {
            return Optional.empty();
        }
        // GAMMA ignores hostnames; they only narrow what a route serves on an ingress Gateway.
        List<String> served = gatewayParents.isEmpty() ? List.of() : hostnames;
        return Optional.of(at("spec", () -> new HttpRoute(name, parents, gatewayParents,
                at("hostnames", () -> served),
                each("rules", list(spec.getRules()), rule -> rule(name.namespace(), rule)))));
    }

    /** Gateway API defaults an absent kind to Gateway, so a service parent always says {@code kind: Service}. */
    static boolean isService(String group, String kind) {
        return (group == null || group.isEmpty() || group.equals("core")) && "Service".equals(kind);
    }

    private static RouteRule rule(String namespace, HTTPRouteRule rule) {
        var timeouts = rule.getTimeouts();
        return new RouteRule(
                each("matches", list(rule.getMatches()), HttpRouteConverter::match),
                filters(namespace, list(rule.getFilters())),
                each("backendRefs", list(rule.getBackendRefs()), backend -> {
                    if (!isService(backend.getGroup(), backend.getKind() == null ? "Service" : backend.getKind())) {
                        throw new InvalidConfigException("", "kind", "only Service backends are supported");
                    }
                    return new BackendRef(serviceRef(namespace, backend.getNamespace(), backend.getName(),
                            backend.getPort()), backend.getWeight() == null ? 1 : backend.getWeight());
                }),
                timeouts == null ? RouteTimeouts.NONE : at("timeouts", () -> new RouteTimeouts(
                        GoDurations.optional("request", timeouts.getRequest()),
                        GoDurations.optional("backendRequest", timeouts.getBackendRequest()))));
    }

    private static RouteMatch match(HTTPRouteMatch match) {
        var path = match.getPath();
        return new RouteMatch(
                path == null ? Optional.empty() : Optional.of(at("path", () -> new PathMatch(
                        matchType(path.getType(), MatchType.PREFIX), path.getValue() == null ? "/" : path.getValue()))),
                each("headers", list(match.getHeaders()),
                        header -> new HeaderMatch(header.getName(), matchType(header.getType(), MatchType.EXACT),
                                header.getValue())),
                each("queryParams", list(match.getQueryParams()),
                        param -> new HeaderMatch(param.getName(), matchType(param.getType(), MatchType.EXACT),
                                param.getValue())),
                optionalText(match.getMethod()));
    }

    private static MatchType matchType(String type, MatchType absent) {
        if (type == null) {
            return absent;
        }
        return switch (type) {
            case "Exact" -> MatchType.EXACT;
            case "PathPrefix" -> MatchType.PREFIX;
            case "RegularExpression" -> MatchType.REGEX;
            default -> throw new InvalidConfigException("", "type", "'" + type
                    + "' is not one of Exact, PathPrefix, RegularExpression");
        };
    }

    private static RouteFilters filters(String namespace, List<HTTPRouteFilter> filters) {
        Optional<HeaderModifier> requestHeaders = Optional.empty();
        Optional<HeaderModifier> responseHeaders = Optional.empty();
        Optional<RequestRedirect> redirect = Optional.empty();
        Optional<UrlRewrite> rewrite = Optional.empty();
        List<Mirror> mirrors = new ArrayList<>();
        for (int i = 0; i < filters.size(); i++) {
            HTTPRouteFilter filter = filters.get(i);
            String field = "filters[" + i + "]";
            switch (String.valueOf(filter.getType())) {
                case "RequestHeaderModifier" -> requestHeaders = Optional.of(
                        at(field + ".requestHeaderModifier", () -> headers(filter.getRequestHeaderModifier())));
                case "ResponseHeaderModifier" -> responseHeaders = Optional.of(
                        at(field + ".responseHeaderModifier", () -> headers(filter.getResponseHeaderModifier())));
                case "RequestRedirect" -> redirect = Optional.of(at(field + ".requestRedirect", () -> {
                    var spec = Fields.required("", filter.getRequestRedirect());
                    return new RequestRedirect(optionalText(spec.getScheme()), optionalText(spec.getHostname()),
                            at("path", () -> pathReplacement(spec.getPath())), optionalInt(spec.getPort()),
                            spec.getStatusCode() == null ? RequestRedirect.DEFAULT_STATUS_CODE : spec.getStatusCode());
                }));
                case "URLRewrite" -> rewrite = Optional.of(at(field + ".urlRewrite", () -> {
                    var spec = Fields.required("", filter.getUrlRewrite());
                    return new UrlRewrite(optionalText(spec.getHostname()),
                            at("path", () -> pathReplacement(spec.getPath())));
                }));
                case "RequestMirror" -> mirrors.add(at(field + ".requestMirror",
                        () -> mirror(namespace, Fields.required("", filter.getRequestMirror()))));
                default -> throw new InvalidConfigException("", field + ".type", "'" + filter.getType()
                        + "' is not a supported filter (RequestHeaderModifier, ResponseHeaderModifier,"
                        + " RequestRedirect, URLRewrite, RequestMirror)");
            }
        }
        return new RouteFilters(requestHeaders, responseHeaders, redirect, rewrite, mirrors);
    }

    private static HeaderModifier headers(HTTPHeaderFilter filter) {
        Fields.required("", filter);
        return new HeaderModifier(headerMap(filter.getSet()), headerMap(filter.getAdd()), list(filter.getRemove()));
    }

    private static Map<String, String> headerMap(List<HTTPHeader> headers) {
        Map<String, String> map = new LinkedHashMap<>();
        list(headers).forEach(header -> map.put(header.getName(), header.getValue()));
        return map;
    }

    private static Optional<PathReplacement> pathReplacement(HTTPPathModifier path) {
        if (path == null) {
            return Optional.empty();
        }
        return Optional.of(switch (String.valueOf(path.getType())) {
            case "ReplaceFullPath" -> new PathReplacement(PathReplacement.Kind.FULL, path.getReplaceFullPath());
            case "ReplacePrefixMatch" -> new PathReplacement(PathReplacement.Kind.PREFIX, path.getReplacePrefixMatch());
            default -> throw new InvalidConfigException("", "type", "'" + path.getType()
                    + "' is not one of ReplaceFullPath, ReplacePrefixMatch");
        });
    }

    private static Mirror mirror(String namespace, HTTPRequestMirrorFilter mirror) {
        var backend = Fields.required("backendRef", mirror.getBackendRef());
        double percentage = mirror.getPercent() != null ? mirror.getPercent()
                : mirror.getFraction() != null ? 100.0 * mirror.getFraction().getNumerator()
                        / (mirror.getFraction().getDenominator() == null ? 100 : mirror.getFraction().getDenominator())
                : 100;
        return new Mirror(at("backendRef",
                () -> serviceRef(namespace, backend.getNamespace(), backend.getName(), backend.getPort())), percentage);
    }

    private static ServiceRef serviceRef(String defaultNamespace, String namespace, String name, Integer port) {
        return new ServiceRef(NamespacedName.of(namespace == null ? defaultNamespace : namespace, name),
                optionalInt(port));
    }
}
