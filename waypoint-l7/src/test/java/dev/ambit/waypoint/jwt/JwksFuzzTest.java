package dev.ambit.waypoint.jwt;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.ambit.api.model.InvalidConfigException;
import java.text.ParseException;
import java.util.List;

/**
 * A key set (JWKS) as configured inline or fetched from an issuer, with a token to check against it. Whatever the
 * key set, a malformed one refuses every token with a {@link JwtRejection} instead of failing the request otherwise,
 * and a token is accepted only if one of the set's own keys signed it. Input: a token line, then the JWKS.
 */
class JwksFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void keys(FuzzedDataProvider data) {
        String token = data.consumeString(2048);
        String jwks = data.consumeRemainingAsString();
        JwtAuthenticator authenticator;
        try {
            authenticator = FuzzIssuer.authenticator(jwks);
        } catch (InvalidConfigException refusedByTheModel) {
            return;
        }
        FuzzIssuer.authenticate(authenticator, token, keys(jwks));
    }

    private static List<JWK> keys(String jwks) {
        try {
            return JWKSet.parse(jwks).getKeys();
        } catch (ParseException e) {
            return List.of();
        }
    }
}
