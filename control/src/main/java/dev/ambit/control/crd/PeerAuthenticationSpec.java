package dev.ambit.control.crd;

import java.util.Map;

/** {@code spec} of {@code PeerAuthentication.security.ambit.dev/v1}. */
public record PeerAuthenticationSpec(WorkloadSelector selector, Mtls mtls, Map<String, Mtls> portLevelMtls) {

    /** {@code mode}: UNSET, PERMISSIVE or STRICT. */
    public record Mtls(String mode) {
    }
}
