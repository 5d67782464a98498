package dev.ambit.waypoint.authz;

/** Allowed, or denied with the reason a 403 body and the access log give. */
public record AuthzDecision(boolean allowed, String reason) {

    public static final AuthzDecision ALLOW = new AuthzDecision(true, "");

    public static AuthzDecision deny(String reason) {
        return new AuthzDecision(false, reason);
    }
}
