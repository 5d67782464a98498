package dev.ambit.api.model.policy;

import dev.ambit.api.model.FieldValidator;

/** A header that carries a JWT, after {@link #prefix} (e.g. {@code "Bearer "}), which is stripped. */
public record JwtHeader(String name, String prefix) {

    public JwtHeader {
        FieldValidator v = FieldValidator.of("JwtHeader");
        v.token("name", name);
        v.headerValue("prefix", prefix);
    }
}
