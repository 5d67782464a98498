package dev.ambit.api.config;

import dev.ambit.api.config.v1.HttpRoute;
import dev.ambit.api.model.ConfigPath;
import dev.ambit.api.model.route.HeaderModifier;
import dev.ambit.api.model.route.PathReplacement;
import dev.ambit.api.model.route.RequestRedirect;
import dev.ambit.api.model.route.RouteFilters;
import dev.ambit.api.model.route.UrlRewrite;

/** {@link RouteFilters} ↔ {@code ambit.config.v1.HttpRoute.Filters}. */
final class RouteFilterCodec {

    private RouteFilterCodec() {
    }

    static RouteFilters filters(HttpRoute.Filters proto) {
        return new RouteFilters(
                ValueCodec.optional("requestHeaders", proto.hasRequestHeaderModifier(),
                        proto.getRequestHeaderModifier(), RouteFilterCodec::headerModifier),
                ValueCodec.optional("responseHeaders", proto.hasResponseHeaderModifier(),
                        proto.getResponseHeaderModifier(), RouteFilterCodec::headerModifier),
                ValueCodec.optional("redirect", proto.hasRequestRedirect(), proto.getRequestRedirect(),
                        RouteFilterCodec::redirect),
                ValueCodec.optional("rewrite", proto.hasUrlRewrite(), proto.getUrlRewrite(), rewrite -> new UrlRewrite(
                        ValueCodec.optional(rewrite.getHostname()),
                        ValueCodec.optional("path", rewrite.hasPath(), rewrite.getPath(), RouteFilterCodec::path))),
                ConfigPath.each("mirrors", proto.getRequestMirrorsList(), ValueCodec::mirror));
    }

    static HttpRoute.Filters toProto(RouteFilters filters) {
        var proto = HttpRoute.Filters.newBuilder();
        filters.requestHeaders().ifPresent(modifier -> proto.setRequestHeaderModifier(toProto(modifier)));
        filters.responseHeaders().ifPresent(modifier -> proto.setResponseHeaderModifier(toProto(modifier)));
        filters.redirect().ifPresent(redirect -> proto.setRequestRedirect(toProto(redirect)));
        filters.rewrite().ifPresent(rewrite -> proto.setUrlRewrite(toProto(rewrite)));
        filters.mirrors().forEach(mirror -> proto.addRequestMirrors(ValueCodec.toProto(mirror)));
        return proto.build();
    }

    private static HeaderModifier headerModifier(HttpRoute.HeaderModifier proto) {
        return new HeaderModifier(proto.getSetMap(), proto.getAddMap(), proto.getRemoveList());
    }

    private static HttpRoute.HeaderModifier toProto(HeaderModifier modifier) {
        return HttpRoute.HeaderModifier.newBuilder()
                .putAllSet(modifier.set())
                .putAllAdd(modifier.add())
                .addAllRemove(modifier.remove())
                .build();
    }

    private static RequestRedirect redirect(HttpRoute.RequestRedirect proto) {
        return new RequestRedirect(
                ValueCodec.optional(proto.getScheme()),
                ValueCodec.optional(proto.getHostname()),
                ValueCodec.optional("path", proto.hasPath(), proto.getPath(), RouteFilterCodec::path),
                ValueCodec.optionalInt(proto.hasPort(), proto.getPort()),
                proto.getStatusCode() == 0 ? RequestRedirect.DEFAULT_STATUS_CODE : proto.getStatusCode());
    }

    private static HttpRoute.RequestRedirect toProto(RequestRedirect redirect) {
        var proto = HttpRoute.RequestRedirect.newBuilder()
                .setScheme(redirect.scheme().orElse(""))
                .setHostname(redirect.hostname().orElse(""))
                .setStatusCode(redirect.statusCode());
        redirect.path().ifPresent(path -> proto.setPath(toProto(path)));
        redirect.port().ifPresent(proto::setPort);
        return proto.build();
    }

    private static HttpRoute.UrlRewrite toProto(UrlRewrite rewrite) {
        var proto = HttpRoute.UrlRewrite.newBuilder().setHostname(rewrite.hostname().orElse(""));
        rewrite.path().ifPresent(path -> proto.setPath(toProto(path)));
        return proto.build();
    }

    private static PathReplacement path(HttpRoute.PathReplacement proto) {
        return new PathReplacement(EnumCodec.decode("kind", proto.getKind(), PathReplacement.Kind.class, null),
                proto.getValue());
    }

    private static HttpRoute.PathReplacement toProto(PathReplacement path) {
        return HttpRoute.PathReplacement.newBuilder()
                .setKind(EnumCodec.encode(path.kind(), HttpRoute.PathReplacement.Kind.class))
                .setValue(path.value())
                .build();
    }
}
