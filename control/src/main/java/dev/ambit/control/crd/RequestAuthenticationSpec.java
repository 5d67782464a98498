package dev.ambit.control.crd;

import java.util.List;

/** {@code spec} of {@code RequestAuthentication.security.ambit.dev/v1}. */
public record RequestAuthenticationSpec(WorkloadSelector selector, List<JwtRule> jwtRules) {

    public record JwtRule(String issuer, List<String> audiences, String jwksUri, String jwks,
            List<FromHeader> fromHeaders, Boolean forwardOriginalToken) {
    }

    public record FromHeader(String name, String prefix) {
    }
}
