package dev.ambit.control.model;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.NamespacedName;

/**
 * Mesh-wide settings the model is built with.
 *
 * @param trustDomain   the SPIFFE trust domain of every workload identity
 * @param clusterDomain the DNS suffix of service hostnames, {@code <svc>.<ns>.svc.<clusterDomain>}
 * @param rootNamespace the namespace the controller runs in; policies there apply mesh-wide
 */
public record MeshSettings(String trustDomain, String clusterDomain, String rootNamespace) {

    public static final String CONTROLLER_SERVICE_ACCOUNT = "ambit-controller";
    public static final String NODE_AGENT_SERVICE_ACCOUNT = "ambit-node-agent";

    public MeshSettings {
        // Validated through the identity type so that a bad flag fails at start, not at the first certificate.
        SpiffeId.of(trustDomain, rootNamespace, CONTROLLER_SERVICE_ACCOUNT);
    }

    public String hostname(NamespacedName service) {
        return service.name() + "." + service.namespace() + ".svc." + clusterDomain;
    }

    public SpiffeId controllerIdentity() {
        return SpiffeId.of(trustDomain, rootNamespace, CONTROLLER_SERVICE_ACCOUNT);
    }

    public SpiffeId nodeAgentIdentity() {
        return SpiffeId.of(trustDomain, rootNamespace, NODE_AGENT_SERVICE_ACCOUNT);
    }

    /** Waypoints run as a ServiceAccount named after their Gateway, in its namespace. */
    public SpiffeId waypointIdentity(NamespacedName gateway) {
        return SpiffeId.of(trustDomain, gateway.namespace(), gateway.name());
    }
}
