package dev.ambit.control.model.convert;

import static dev.ambit.api.model.ConfigPath.at;
import static dev.ambit.api.model.ConfigPath.each;
import static dev.ambit.control.model.convert.Fields.list;

import dev.ambit.api.model.InvalidConfigException;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.policy.AuthorizationPolicy;
import dev.ambit.api.model.policy.AuthorizationRule;
import dev.ambit.api.model.policy.Condition;
import dev.ambit.api.model.policy.JwtHeader;
import dev.ambit.api.model.policy.JwtRule;
import dev.ambit.api.model.policy.Operation;
import dev.ambit.api.model.policy.PeerAuthentication;
import dev.ambit.api.model.policy.RequestAuthentication;
import dev.ambit.api.model.policy.Source;
import dev.ambit.control.crd.AuthorizationPolicyResource;
import dev.ambit.control.crd.AuthorizationPolicySpec;
import dev.ambit.control.crd.PeerAuthenticationResource;
import dev.ambit.control.crd.PeerAuthenticationSpec;
import dev.ambit.control.crd.RequestAuthenticationResource;
import dev.ambit.control.crd.RequestAuthenticationSpec;
import dev.ambit.control.crd.WorkloadSelector;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code security.ambit.dev} custom resources into the model. Failures name the field by its path in the
 * object as written ({@code spec.rules[0].from[0].source.principals[1]}), so that an author can find it.
 */
public final class SecurityPolicyConverter {

    private SecurityPolicyConverter() {
    }

    public static AuthorizationPolicy authorization(AuthorizationPolicyResource resource) {
        AuthorizationPolicySpec spec = spec(resource.getSpec());
        return at("spec", () -> new AuthorizationPolicy(nameOf(resource), WorkloadSelector.labelsOf(spec.selector()),
                Fields.enumValue(AuthorizationPolicy.Action.class, "action", spec.action(),
                        AuthorizationPolicy.Action.ALLOW),
                each("rules", list(spec.rules()), SecurityPolicyConverter::rule)));
    }

    public static PeerAuthentication peer(PeerAuthenticationResource resource) {
        PeerAuthenticationSpec spec = spec(resource.getSpec());
        Map<Integer, PeerAuthentication.Mode> portModes = new HashMap<>();
        Fields.map(spec.portLevelMtls()).forEach((port, mtls) -> {
            String field = "portLevelMtls[" + port + "]";
            portModes.put(at(field, () -> parsePort(port)), mode(field + ".mode", mtls));
        });
        return at("spec", () -> new PeerAuthentication(nameOf(resource), WorkloadSelector.labelsOf(spec.selector()),
                mode("mtls.mode", spec.mtls()), portModes));
    }

    public static RequestAuthentication request(RequestAuthenticationResource resource) {
        RequestAuthenticationSpec spec = spec(resource.getSpec());
        return at("spec", () -> new RequestAuthentication(nameOf(resource),
                WorkloadSelector.labelsOf(spec.selector()),
                each("jwtRules", list(spec.jwtRules()), SecurityPolicyConverter::jwtRule)));
    }

    static NamespacedName nameOf(HasMetadata object) {
        return NamespacedName.of(object.getMetadata().getNamespace(), object.getMetadata().getName());
    }

    static <S> S spec(S spec) {
        if (spec == null) {
            throw new InvalidConfigException("", "spec", "is required");
        }
        return spec;
    }

    private static AuthorizationRule rule(AuthorizationPolicySpec.Rule rule) {
        return new AuthorizationRule(
                each("from", list(rule.from()), from -> at("source", () -> source(Fields.required("", from.source())))),
                each("to", list(rule.to()),
                        to -> at("operation", () -> operation(Fields.required("", to.operation())))),
                each("when", list(rule.when()),
                        when -> new Condition(when.key(), list(when.values()), list(when.notValues()))));
    }

    private static Source source(AuthorizationPolicySpec.Source source) {
        return new Source(
                each("principals", list(source.principals()), principal -> Fields.principal("", principal)),
                each("notPrincipals", list(source.notPrincipals()), principal -> Fields.principal("", principal)),
                list(source.namespaces()), list(source.notNamespaces()));
    }

    private static Operation operation(AuthorizationPolicySpec.Operation operation) {
        return new Operation(list(operation.ports()), list(operation.notPorts()), list(operation.methods()),
                list(operation.paths()), list(operation.notPaths()), list(operation.hosts()));
    }

    private static PeerAuthentication.Mode mode(String field, PeerAuthenticationSpec.Mtls mtls) {
        return Fields.enumValue(PeerAuthentication.Mode.class, field, mtls == null ? null : mtls.mode(),
                PeerAuthentication.Mode.UNSET);
    }

    private static int parsePort(String port) {
        try {
            return Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new InvalidConfigException("", "", "'" + port + "' is not a port number");
        }
    }

    private static JwtRule jwtRule(RequestAuthenticationSpec.JwtRule rule) {
        return new JwtRule(rule.issuer(), list(rule.audiences()),
                at("jwksUri", () -> Fields.optionalText(rule.jwksUri()).map(SecurityPolicyConverter::uri)),
                Fields.optionalText(rule.jwks()),
                each("fromHeaders", list(rule.fromHeaders()),
                        header -> new JwtHeader(header.name(), header.prefix() == null ? "" : header.prefix())),
                Boolean.TRUE.equals(rule.forwardOriginalToken()));
    }

    private static URI uri(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new InvalidConfigException("", "", "'" + text + "' is not a URI: " + e.getReason());
        }
    }
}
