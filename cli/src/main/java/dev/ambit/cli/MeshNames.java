package dev.ambit.cli;

import java.util.List;

/**
 * Names the chart and the controller agree on (charts/ambit, docs/control.md). The labels users write are
 * {@link dev.ambit.api.mesh.MeshLabels}.
 */
public final class MeshNames {

    public static final String CONTROLLER = "ambit-controller";
    public static final String NODE_AGENT = "ambit-node-agent";
    /** The label the chart's selectors use. */
    public static final String NAME_LABEL = "app.kubernetes.io/name";
    public static final List<String> AMBIT_CRDS = List.of(
            "authorizationpolicies.security.ambit.dev",
            "peerauthentications.security.ambit.dev",
            "requestauthentications.security.ambit.dev",
            "trafficpolicies.traffic.ambit.dev");
    public static final List<String> GATEWAY_API_CRDS = List.of(
            "gateways.gateway.networking.k8s.io",
            "httproutes.gateway.networking.k8s.io");

    private MeshNames() {
    }
}
