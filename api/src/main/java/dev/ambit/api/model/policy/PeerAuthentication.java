package dev.ambit.api.model.policy;

import dev.ambit.api.model.FieldValidator;
import dev.ambit.api.model.NamespacedName;
import java.util.Map;

/**
 * Whether the workloads it applies to accept plaintext. The most specific policy wins (workload selector, then
 * namespace, then root namespace); {@link Mode#UNSET} defers to the next less specific one, and the mesh default
 * is {@link Mode#PERMISSIVE}.
 *
 * @param portModes per target-port overrides; only a policy with a selector may have them, as ports mean
 *                  nothing across the arbitrary workloads of a namespace
 */
public record PeerAuthentication(
        NamespacedName name,
        Map<String, String> selector,
        Mode mode,
        Map<Integer, Mode> portModes) implements WorkloadPolicy {

    public enum Mode {
        /** Inherit from the less specific policy. */
        UNSET,
        /** Accept mTLS through the tunnel and plaintext. */
        PERMISSIVE,
        /** Accept mTLS through the tunnel only; plaintext is dropped in the kernel. */
        STRICT
    }

    public PeerAuthentication {
        FieldValidator v = FieldValidator.of("PeerAuthentication", name);
        v.required("name", name);
        selector = v.labels("selector", selector);
        v.required("mode", mode);
        portModes = v.map("portModes", portModes);
        v.check(portModes.isEmpty() || !selector.isEmpty(), "portModes", "requires a selector");
        portModes.keySet().forEach(port -> v.port("portModes", port));
    }

    /** The mode for traffic to {@code port}, before inheritance. */
    public Mode modeFor(int port) {
        return portModes.getOrDefault(port, mode);
    }
}
