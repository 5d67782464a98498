package dev.ambit.api.model.policy;

import dev.ambit.api.model.FieldValidator;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * How to validate JWTs from one issuer.
 *
 * @param audiences            accepted {@code aud} values; empty accepts any
 * @param jwksUri              where to fetch the issuer's keys; exactly one of this and {@link #jwks} is set
 * @param jwks                 the issuer's keys inline, as a JWKS JSON document
 * @param fromHeaders          where to look for the token; empty means {@code Authorization: Bearer <token>}
 * @param forwardOriginalToken keep the token on the request sent upstream instead of removing it
 */
public record JwtRule(
        String issuer,
        List<String> audiences,
        Optional<URI> jwksUri,
        Optional<String> jwks,
        List<JwtHeader> fromHeaders,
        boolean forwardOriginalToken) {

    /** Inline key sets are config; anything larger than this is a mistake, not a key set. */
    public static final int MAX_JWKS_LENGTH = 64 * 1024;

    public JwtRule {
        FieldValidator v = FieldValidator.of("JwtRule");
        v.notEmpty("issuer", issuer);
        audiences = v.each("audiences", audiences, v::notEmpty);
        jwksUri = v.optional(jwksUri);
        jwks = v.optional(jwks);
        v.check(jwksUri.isPresent() != jwks.isPresent(), "jwksUri", "exactly one of jwksUri and jwks must be set");
        jwksUri.ifPresent(uri -> v.check(("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
                && uri.getHost() != null, "jwksUri", "'" + uri + "' is not an absolute http(s) URI"));
        jwks.ifPresent(keys -> {
            v.check(keys.length() <= MAX_JWKS_LENGTH, "jwks", "is longer than " + MAX_JWKS_LENGTH + " characters");
            v.check(keys.strip().startsWith("{"), "jwks", "is not a JSON object");
        });
        fromHeaders = v.list("fromHeaders", fromHeaders);
        v.distinct("fromHeaders", fromHeaders.stream().map(header -> header.name().toLowerCase()).toList());
    }
}
