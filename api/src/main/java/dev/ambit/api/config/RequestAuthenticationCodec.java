package dev.ambit.api.config;

import dev.ambit.api.config.v1.RequestAuthentication;
import dev.ambit.api.config.v1.Resource;
import dev.ambit.api.model.ConfigPath;
import dev.ambit.api.model.InvalidConfigException;
import dev.ambit.api.model.policy.JwtHeader;
import dev.ambit.api.model.policy.JwtRule;
import java.net.URI;
import java.net.URISyntaxException;

/** {@link dev.ambit.api.model.policy.RequestAuthentication} ↔ {@code ambit.config.v1.RequestAuthentication}. */
final class RequestAuthenticationCodec extends KindCodec<dev.ambit.api.model.policy.RequestAuthentication> {

    RequestAuthenticationCodec() {
        super(dev.ambit.api.model.policy.RequestAuthentication.class);
    }

    @Override
    void encode(dev.ambit.api.model.policy.RequestAuthentication policy, Resource.Builder resource) {
        var proto = RequestAuthentication.newBuilder()
                .setName(policy.name().name())
                .setNamespace(policy.name().namespace())
                .putAllSelector(policy.selector());
        policy.jwtRules().forEach(rule -> {
            var jwt = RequestAuthentication.JwtRule.newBuilder()
                    .setIssuer(rule.issuer())
                    .addAllAudiences(rule.audiences())
                    .setJwksUri(rule.jwksUri().map(URI::toString).orElse(""))
                    .setJwks(rule.jwks().orElse(""))
                    .setForwardOriginalToken(rule.forwardOriginalToken());
            rule.fromHeaders().forEach(header -> jwt.addFromHeaders(RequestAuthentication.JwtHeader.newBuilder()
                    .setName(header.name()).setPrefix(header.prefix())));
            proto.addJwtRules(jwt);
        });
        resource.setRequestAuthentication(proto);
    }

    @Override
    dev.ambit.api.model.policy.RequestAuthentication decode(Resource resource) {
        RequestAuthentication proto = resource.getRequestAuthentication();
        return ValueCodec.namespaced(ResourceType.REQUEST_AUTHENTICATION, proto.getNamespace(), proto.getName(),
                name -> new dev.ambit.api.model.policy.RequestAuthentication(
                        name,
                        proto.getSelectorMap(),
                        ConfigPath.each("jwtRules", proto.getJwtRulesList(), RequestAuthenticationCodec::jwtRule)));
    }

    private static JwtRule jwtRule(RequestAuthentication.JwtRule proto) {
        return new JwtRule(
                proto.getIssuer(),
                proto.getAudiencesList(),
                ValueCodec.optional(proto.getJwksUri()).map(RequestAuthenticationCodec::uri),
                ValueCodec.optional(proto.getJwks()),
                ConfigPath.each("fromHeaders", proto.getFromHeadersList(),
                        header -> new JwtHeader(header.getName(), header.getPrefix())),
                proto.getForwardOriginalToken());
    }

    private static URI uri(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new InvalidConfigException("", "jwksUri", "'" + text + "' is not a URI: " + e.getReason());
        }
    }
}
