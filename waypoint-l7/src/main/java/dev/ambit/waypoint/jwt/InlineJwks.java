package dev.ambit.waypoint.jwt;

import com.nimbusds.jose.jwk.JWKSet;
import java.text.ParseException;
import java.util.concurrent.CompletableFuture;

/** Keys written into the {@code RequestAuthentication} itself. */
final class InlineJwks implements JwksSource {

    private final CompletableFuture<JWKSet> keys;

    InlineJwks(String json) {
        CompletableFuture<JWKSet> parsed;
        try {
            parsed = CompletableFuture.completedFuture(JWKSet.parse(json));
        } catch (ParseException e) {
            parsed = CompletableFuture.failedFuture(new IllegalArgumentException("inline JWKS is invalid: "
                    + e.getMessage(), e));
        }
        this.keys = parsed;
    }

    @Override
    public CompletableFuture<JWKSet> keys() {
        return keys;
    }

    @Override
    public CompletableFuture<JWKSet> refreshForUnknownKey() {
        return keys;
    }
}
