package dev.ambit.api.config;

import dev.ambit.api.config.v1.AuthorizationPolicy;
import dev.ambit.api.config.v1.Resource;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.ConfigPath;
import dev.ambit.api.model.policy.AuthorizationRule;
import dev.ambit.api.model.policy.Condition;
import dev.ambit.api.model.policy.Operation;
import dev.ambit.api.model.policy.Source;
import java.util.List;

/** {@link dev.ambit.api.model.policy.AuthorizationPolicy} ↔ {@code ambit.config.v1.AuthorizationPolicy}. */
final class AuthorizationPolicyCodec extends KindCodec<dev.ambit.api.model.policy.AuthorizationPolicy> {

    AuthorizationPolicyCodec() {
        super(dev.ambit.api.model.policy.AuthorizationPolicy.class);
    }

    @Override
    void encode(dev.ambit.api.model.policy.AuthorizationPolicy policy, Resource.Builder resource) {
        var proto = AuthorizationPolicy.newBuilder()
                .setName(policy.name().name())
                .setNamespace(policy.name().namespace())
                .putAllSelector(policy.selector())
                .setAction(EnumCodec.encode(policy.action(), AuthorizationPolicy.Action.class));
        policy.rules().forEach(rule -> proto.addRules(toProto(rule)));
        resource.setAuthorizationPolicy(proto);
    }

    @Override
    dev.ambit.api.model.policy.AuthorizationPolicy decode(Resource resource) {
        AuthorizationPolicy proto = resource.getAuthorizationPolicy();
        return ValueCodec.namespaced(ResourceType.AUTHORIZATION_POLICY, proto.getNamespace(), proto.getName(),
                name -> new dev.ambit.api.model.policy.AuthorizationPolicy(
                        name,
                        proto.getSelectorMap(),
                        EnumCodec.decode("action", proto.getAction(),
                                dev.ambit.api.model.policy.AuthorizationPolicy.Action.class, null),
                        ConfigPath.each("rules", proto.getRulesList(), AuthorizationPolicyCodec::rule)));
    }

    private static AuthorizationRule rule(AuthorizationPolicy.Rule proto) {
        return new AuthorizationRule(
                ConfigPath.each("from", proto.getFromList(), source -> new Source(
                        principals("principals", source.getPrincipalsList()),
                        principals("notPrincipals", source.getNotPrincipalsList()),
                        source.getNamespacesList(),
                        source.getNotNamespacesList())),
                ConfigPath.each("to", proto.getToList(), operation -> new Operation(
                        operation.getPortsList(),
                        operation.getNotPortsList(),
                        operation.getMethodsList(),
                        operation.getPathsList(),
                        operation.getNotPathsList(),
                        operation.getHostsList())),
                ConfigPath.each("when", proto.getWhenList(), condition -> new Condition(
                        condition.getKey(), condition.getValuesList(), condition.getNotValuesList())));
    }

    private static List<SpiffeId> principals(String field, List<String> uris) {
        return ConfigPath.each(field, uris, ValueCodec::spiffeId);
    }

    private static AuthorizationPolicy.Rule toProto(AuthorizationRule rule) {
        var proto = AuthorizationPolicy.Rule.newBuilder();
        rule.from().forEach(source -> proto.addFrom(AuthorizationPolicy.Source.newBuilder()
                .addAllPrincipals(uris(source.principals()))
                .addAllNotPrincipals(uris(source.notPrincipals()))
                .addAllNamespaces(source.namespaces())
                .addAllNotNamespaces(source.notNamespaces())));
        rule.to().forEach(operation -> proto.addTo(AuthorizationPolicy.Operation.newBuilder()
                .addAllPorts(operation.ports())
                .addAllNotPorts(operation.notPorts())
                .addAllMethods(operation.methods())
                .addAllPaths(operation.paths())
                .addAllNotPaths(operation.notPaths())
                .addAllHosts(operation.hosts())));
        rule.when().forEach(condition -> proto.addWhen(AuthorizationPolicy.Condition.newBuilder()
                .setKey(condition.key())
                .addAllValues(condition.values())
                .addAllNotValues(condition.notValues())));
        return proto.build();
    }

    private static List<String> uris(List<SpiffeId> principals) {
        return principals.stream().map(SpiffeId::uri).toList();
    }
}
