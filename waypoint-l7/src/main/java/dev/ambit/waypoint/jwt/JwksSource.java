package dev.ambit.waypoint.jwt;

import com.nimbusds.jose.jwk.JWKSet;
import java.util.concurrent.CompletableFuture;

/** An issuer's signing keys: inline in config, or fetched from its JWKS URI. */
public interface JwksSource {

    /** The current keys; completes at once when they are cached. */
    CompletableFuture<JWKSet> keys();

    /** Keys fetched again when a token names a key the cached set lacks (rate-limited); inline keys never change. */
    CompletableFuture<JWKSet> refreshForUnknownKey();
}
