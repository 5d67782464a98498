package dev.ambit.control.source;

import dev.ambit.control.crd.AuthorizationPolicyResource;
import dev.ambit.control.crd.AuthorizationPolicySpec;
import dev.ambit.control.crd.PeerAuthenticationResource;
import dev.ambit.control.crd.PeerAuthenticationSpec;
import dev.ambit.control.crd.RequestAuthenticationResource;
import dev.ambit.control.crd.RequestAuthenticationSpec;
import dev.ambit.control.crd.TrafficPolicyResource;
import dev.ambit.control.crd.TrafficPolicySpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import java.util.List;
import java.util.Optional;

/** The kinds the model is built from, in both modes: what the informers watch and what YAML files may hold. */
public final class SupportedKinds {

    /**
     * One kind: how it is written and its typed class.
     *
     * @param spec the class of its {@code spec} when it is one of ours, checked strictly for unknown fields in files
     */
    public record Kind(String apiVersion, String kind, Class<? extends HasMetadata> type, boolean namespaced,
            Optional<Class<?>> spec) {
    }

    public static final List<Kind> ALL = List.of(
            new Kind("v1", "Namespace", Namespace.class, false, Optional.empty()),
            new Kind("v1", "Node", Node.class, false, Optional.empty()),
            new Kind("v1", "Pod", Pod.class, true, Optional.empty()),
            new Kind("v1", "Service", Service.class, true, Optional.empty()),
            new Kind("discovery.k8s.io/v1", "EndpointSlice", EndpointSlice.class, true, Optional.empty()),
            new Kind("gateway.networking.k8s.io/v1", "Gateway", Gateway.class, true, Optional.empty()),
            new Kind("gateway.networking.k8s.io/v1", "HTTPRoute", HTTPRoute.class, true, Optional.empty()),
            new Kind("security.ambit.dev/v1", "AuthorizationPolicy", AuthorizationPolicyResource.class, true,
                    Optional.of(AuthorizationPolicySpec.class)),
            new Kind("security.ambit.dev/v1", "PeerAuthentication", PeerAuthenticationResource.class, true,
                    Optional.of(PeerAuthenticationSpec.class)),
            new Kind("security.ambit.dev/v1", "RequestAuthentication", RequestAuthenticationResource.class, true,
                    Optional.of(RequestAuthenticationSpec.class)),
            new Kind("traffic.ambit.dev/v1alpha1", "TrafficPolicy", TrafficPolicyResource.class, true,
                    Optional.of(TrafficPolicySpec.class)));

    private SupportedKinds() {
    }

    public static Optional<Kind> find(String apiVersion, String kind) {
        return ALL.stream().filter(candidate -> candidate.apiVersion().equals(apiVersion) && candidate.kind().equals(kind))
                .findFirst();
    }
}
