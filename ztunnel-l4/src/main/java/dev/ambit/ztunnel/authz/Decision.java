package dev.ambit.ztunnel.authz;

/** An authorization verdict and what decided it, for logs. */
public record Decision(boolean allowed, String reason) {

    static Decision allow(String reason) {
        return new Decision(true, reason);
    }

    static Decision deny(String reason) {
        return new Decision(false, reason);
    }
}
