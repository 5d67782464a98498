package dev.ambit.ztunnel.inbound;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.policy.PeerAuthentication;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.ztunnel.authz.ConnectionAttributes;
import dev.ambit.ztunnel.authz.Decision;
import dev.ambit.ztunnel.authz.L4Authorizer;
import dev.ambit.ztunnel.config.TunnelConfig;
import dev.ambit.runtime.transport.FailureReason;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Whether an inbound connection may reach a pod of this node: the destination must be a mesh workload here, plaintext
 * must be allowed by its PeerAuthentication, and its AuthorizationPolicies must allow the source.
 *
 * @param destination the pod's workload: when admitted, and when its own policy refused the connection (so the refusal
 *                    is counted on the edge it hit)
 * @param refusal     why not, when refused
 */
record Admission(Optional<Workload> destination, Optional<FailureReason> refusal, String detail) {

    boolean admitted() {
        return refusal.isEmpty();
    }

    /** {@code principal} is the verified peer identity, empty for plaintext. */
    static Admission decide(TunnelConfig config, String node, InetSocketAddress target, Optional<SpiffeId> principal) {
        Optional<Workload> destination = config.workload(target.getAddress())
                .filter(workload -> workload.ambientOn(node));
        if (destination.isEmpty()) {
            return refuse(Optional.empty(), FailureReason.UNKNOWN_DESTINATION,
                    target + " is no mesh workload of node " + node);
        }
        if (principal.isEmpty()
                && config.peerAuthentication(destination.get(), target.getPort()) == PeerAuthentication.Mode.STRICT) {
            return refuse(destination, FailureReason.PLAINTEXT_REJECTED, "PeerAuthentication of "
                    + destination.get().name() + " is STRICT on port " + target.getPort());
        }
        Decision decision = L4Authorizer.authorize(config.authorizationPolicies(destination.get()),
                new ConnectionAttributes(principal, target));
        if (!decision.allowed()) {
            return refuse(destination, FailureReason.POLICY_DENIED, decision.reason());
        }
        return new Admission(destination, Optional.empty(), decision.reason());
    }

    private static Admission refuse(Optional<Workload> destination, FailureReason reason, String detail) {
        return new Admission(destination, Optional.of(reason), detail);
    }
}
