package dev.ambit.waypoint.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyConverter;
import com.nimbusds.jwt.SignedJWT;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.policy.JwtRule;
import dev.ambit.api.model.policy.RequestAuthentication;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The issuer of the JWT fuzz targets: one P-256 key (a test key, committed on purpose: the seed tokens are signed
 * with it), an authenticator for it at a fixed time, and the check that an outcome is one the waypoint can act on.
 */
final class FuzzIssuer {

    static final String ISSUER = "https://issuer.fuzz.test";
    static final String PUBLIC_JWKS = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"fuzz-key\","
            + "\"x\":\"aYHn4f2y645VXyFhceUH5-Hhr6dEgFMcjA5wBryI6RE\",\"y\":\"V56VRuvjG7gxRT-Jrc_waW4HPfmy0hI57b8uXSUIc2A\"}]}";
    /** Seed tokens expire in 2031 and start in 2025: valid at this instant. */
    static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);

    private FuzzIssuer() {
    }

    /** @throws IllegalArgumentException when the model refuses {@code jwks} (the controller would, first) */
    static JwtAuthenticator authenticator(String jwks) {
        JwtRule rule = new JwtRule(ISSUER, List.of(), Optional.empty(), Optional.of(jwks), List.of(), false);
        RequestAuthentication policy = new RequestAuthentication(NamespacedName.of("demo", "jwt"), Map.of(),
                List.of(rule));
        return JwtAuthenticator.of(List.of(policy), new JwksCache(JwtSettings.defaults()), CLOCK);
    }

    /**
     * Authenticates {@code token} as a bearer token: it must complete at once (inline keys), with a {@link JwtRejection}
     * or with a token that really is signed by one of {@code trusted}'s keys and names the issuer.
     */
    static void authenticate(JwtAuthenticator authenticator, String token, List<JWK> trusted) {
        DefaultHttpHeaders headers = new DefaultHttpHeaders(false);
        headers.add(HttpHeaderNames.AUTHORIZATION, "Bearer " + token);
        CompletableFuture<Optional<VerifiedJwt>> outcome = authenticator.authenticate(headers);
        assertTrue(outcome.isDone(), "inline keys: no waiting");
        Optional<VerifiedJwt> verified;
        try {
            verified = outcome.join();
        } catch (CompletionException e) {
            if (!(e.getCause() instanceof JwtRejection)) {
                fail("not a clear refusal", e.getCause());
            }
            return;
        }
        if (verified.isEmpty()) {
            return;
        }
        assertEquals(ISSUER, verified.get().issuer());
        assertTrue(signedByOneOf(token.strip(), trusted), "accepted a token that no trusted key signed");
    }

    private static boolean signedByOneOf(String token, List<JWK> trusted) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            for (Key key : KeyConverter.toJavaKeys(trusted)) {
                try {
                    if (jwt.verify(new DefaultJWSVerifierFactory().createJWSVerifier(jwt.getHeader(), key))) {
                        return true;
                    }
                } catch (JOSEException wrongKeyType) {
                    // Not a key for this algorithm.
                }
            }
            return false;
        } catch (ParseException e) {
            return false;
        }
    }
}
