package dev.ambit.waypoint.jwt;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.List;

/**
 * A bearer token from a request, as the waypoint's JWT filter sees it: the outcome is a verified token only when the
 * issuer's key really signed it (no {@code alg: none}, no key confusion, no signature skipped on a parse quirk), and
 * otherwise a {@link JwtRejection} (a 401 with its message); no other exception escapes.
 */
class JwtFuzzTest {

    private static final JwtAuthenticator AUTHENTICATOR = FuzzIssuer.authenticator(FuzzIssuer.PUBLIC_JWKS);
    private static final List<JWK> TRUSTED = trusted();

    @FuzzTest(maxDuration = "10s")
    void authenticate(byte[] input) {
        FuzzIssuer.authenticate(AUTHENTICATOR, new String(input, StandardCharsets.UTF_8), TRUSTED);
    }

    private static List<JWK> trusted() {
        try {
            return JWKSet.parse(FuzzIssuer.PUBLIC_JWKS).getKeys();
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }
}
