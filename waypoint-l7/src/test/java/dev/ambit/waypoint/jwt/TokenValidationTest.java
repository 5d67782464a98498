package dev.ambit.waypoint.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.policy.JwtHeader;
import dev.ambit.api.model.policy.JwtRule;
import dev.ambit.api.model.policy.RequestAuthentication;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** JWT validation against inline keys: where the token is found and each reason it is refused. */
class TokenValidationTest {

    private static final String ISSUER = "https://issuer.example";
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final ECKey KEY = generate("k1");
    private static final ECKey OTHER_KEY_SAME_ID = generate("k1");
    private static final ECKey UNKNOWN_KEY = generate("k9");

    private final JwksCache cache = new JwksCache(JwtSettings.defaults());

    @AfterEach
    void close() {
        cache.close();
    }

    private static ECKey generate(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JwtRule rule(String issuer, List<String> audiences, List<JwtHeader> from, boolean forward) {
        return new JwtRule(issuer, audiences, Optional.empty(),
                Optional.of(new JWKSet(KEY.toPublicJWK()).toString()), from, forward);
    }

    private JwtAuthenticator authenticator(JwtRule... rules) {
        return authenticator(cache, rules);
    }

    private static JwtAuthenticator authenticator(JwksCache cache, JwtRule... rules) {
        return JwtAuthenticator.of(List.of(new RequestAuthentication(NamespacedName.of("demo", "jwt"), Map.of(),
                List.of(rules))), cache, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer(ISSUER).subject("alice")
                .expirationTime(Date.from(NOW.plusSeconds(600)));
    }

    private static String token(ECKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                    claims);
            jwt.sign(new ECDSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpHeaders bearer(String token) {
        return new DefaultHttpHeaders().set("authorization", "Bearer " + token);
    }

    private static Optional<VerifiedJwt> accepted(JwtAuthenticator authenticator, HttpHeaders headers) {
        return authenticator.authenticate(headers).join();
    }

    private static String refused(JwtAuthenticator authenticator, HttpHeaders headers) {
        CompletionException e = assertThrows(CompletionException.class,
                () -> authenticator.authenticate(headers).join());
        return assertInstanceOf(JwtRejection.class, e.getCause()).getMessage();
    }

    @Test
    void aValidTokenYieldsItsIssuerSubjectHeaderAndClaims() {
        JwtAuthenticator authenticator = authenticator(rule(ISSUER, List.of(), List.of(), true));
        VerifiedJwt jwt = accepted(authenticator, bearer(token(KEY, claims().claim("team", "core").build())))
                .orElseThrow();
        assertEquals(ISSUER, jwt.issuer());
        assertEquals("alice", jwt.subject());
        assertEquals("authorization", jwt.header().toLowerCase());
        assertTrue(jwt.forward());
        assertEquals("core", jwt.claims().get("team"));
        assertFalse(accepted(authenticator(rule(ISSUER, List.of(), List.of(), false)),
                bearer(token(KEY, claims().build()))).orElseThrow().forward());
    }

    @Test
    void aRequestWithoutATokenPassesUnauthenticated() {
        JwtAuthenticator authenticator = authenticator(rule(ISSUER, List.of(), List.of(), false));
        assertEquals(Optional.empty(), accepted(authenticator, new DefaultHttpHeaders()));
        assertEquals(Optional.empty(), accepted(authenticator, new DefaultHttpHeaders().set("authorization",
                "Basic dXNlcjpwYXNz")), "another scheme is not a JWT");
    }

    @Test
    void noRulesMeansNoAuthentication() {
        assertSame(JwtAuthenticator.NONE, JwtAuthenticator.of(List.of(), cache, Clock.systemUTC()));
        assertEquals(Optional.empty(), accepted(JwtAuthenticator.NONE, bearer("not even a token")));
    }

    @Test
    void theBearerPrefixIsMatchedWithoutCaseAndTheTokenTrimmed() {
        JwtAuthenticator authenticator = authenticator(rule(ISSUER, List.of(), List.of(), false));
        String token = token(KEY, claims().build());
        assertTrue(accepted(authenticator, new DefaultHttpHeaders().set("authorization", "bearer " + token + "  "))
                .isPresent());
    }

    @Test
    void configuredHeadersReplaceTheDefaultLocation() {
        JwtAuthenticator authenticator = authenticator(rule(ISSUER, List.of(),
                List.of(new JwtHeader("x-jwt", ""), new JwtHeader("x-token", "Token ")), false));
        String token = token(KEY, claims().build());
        assertEquals("x-jwt", accepted(authenticator, new DefaultHttpHeaders().set("x-jwt", token)).orElseThrow()
                .header());
        assertEquals("x-token", accepted(authenticator, new DefaultHttpHeaders().set("x-token", "Token " + token))
                .orElseThrow().header());
        assertEquals(Optional.empty(), accepted(authenticator, bearer(token)), "Authorization is no longer looked at");
    }

    @Test
    void refusesATokenThatIsTooLongBeforeParsingIt() {
        JwksCache small = new JwksCache(new JwtSettings(Duration.ofSeconds(60), Duration.ofMinutes(10),
                Duration.ofSeconds(30), Duration.ofSeconds(5), 1024, 10));
        try {
            JwtAuthenticator authenticator = authenticator(small, rule(ISSUER, List.of(), List.of(), false));
            assertEquals("Jwt is too long", refused(authenticator, bearer("a.b.cdefghijk")));
            assertEquals("Jwt is not in the form of Header.Payload.Signature with a JSON payload",
                    refused(authenticator, bearer("a.b.cdefgh")), "ten characters are not too long");
        } finally {
            small.close();
        }
    }

    @Test
    void refusesMalformedTokensAndUnknownIssuers() {
        JwtAuthenticator authenticator = authenticator(rule(ISSUER, List.of(), List.of(), false));
        assertEquals("Jwt is not in the form of Header.Payload.Signature with a JSON payload",
                refused(authenticator, bearer("not-a-jwt")));
        assertEquals("Jwt issuer is not configured",
                refused(authenticator, bearer(token(KEY, claims().issuer("https://other").build()))));
        assertEquals("Jwt issuer is not configured",
                refused(authenticator, bearer(token(KEY, claims().issuer(null).build()))));
    }

    @Test
    void refusesAWrongSignatureAndAnUnknownKey() {
        JwtAuthenticator authenticator = authenticator(rule(ISSUER, List.of(), List.of(), false));
        assertEquals("Jwt verification fails", refused(authenticator, bearer(token(OTHER_KEY_SAME_ID,
                claims().build()))));
        assertEquals("Jwt verification fails: no key matches its kid and algorithm",
                refused(authenticator, bearer(token(UNKNOWN_KEY, claims().build()))));
    }

    @Test
    void expiryAndNotBeforeHoldWithinTheClockSkew() {
        JwtAuthenticator authenticator = authenticator(rule(ISSUER, List.of(), List.of(), false));
        Duration skew = JwtSettings.defaults().clockSkew();
        assertTrue(accepted(authenticator, bearer(token(KEY, claims()
                .expirationTime(Date.from(NOW.minus(skew))).build()))).isPresent(), "expired just within the skew");
        assertEquals("Jwt is expired", refused(authenticator, bearer(token(KEY, claims()
                .expirationTime(Date.from(NOW.minus(skew).minusSeconds(1))).build()))));
        assertTrue(accepted(authenticator, bearer(token(KEY, claims()
                .notBeforeTime(Date.from(NOW.plus(skew))).build()))).isPresent(), "not yet valid within the skew");
        assertEquals("Jwt not yet valid", refused(authenticator, bearer(token(KEY, claims()
                .notBeforeTime(Date.from(NOW.plus(skew).plusSeconds(1))).build()))));
        assertTrue(accepted(authenticator, bearer(token(KEY, claims().expirationTime(null).build()))).isPresent(),
                "a token without exp does not expire");
    }

    @Test
    void audiencesMustOverlapWhenTheRuleListsAny() {
        JwtAuthenticator authenticator = authenticator(rule(ISSUER, List.of("api", "web"), List.of(), false));
        assertTrue(accepted(authenticator, bearer(token(KEY, claims().audience(List.of("db", "web")).build())))
                .isPresent());
        assertEquals("Audiences in Jwt are not allowed",
                refused(authenticator, bearer(token(KEY, claims().audience("db").build()))));
        assertEquals("Audiences in Jwt are not allowed", refused(authenticator, bearer(token(KEY, claims().build()))));
        assertTrue(accepted(authenticator(rule(ISSUER, List.of(), List.of(), false)),
                bearer(token(KEY, claims().audience("anything").build()))).isPresent());
    }

    @Test
    void theFirstRuleOfAnIssuerApplies() {
        JwtAuthenticator authenticator = JwtAuthenticator.of(List.of(
                new RequestAuthentication(NamespacedName.of("demo", "a"), Map.of(),
                        List.of(rule(ISSUER, List.of("api"), List.of(), false))),
                new RequestAuthentication(NamespacedName.of("demo", "b"), Map.of(),
                        List.of(rule(ISSUER, List.of(), List.of(), false)))), cache, Clock.fixed(NOW, ZoneOffset.UTC));
        assertEquals("Audiences in Jwt are not allowed", refused(authenticator, bearer(token(KEY, claims().build()))));
    }

    @Test
    void unreadableKeysRefuseTheToken() {
        JwtRule broken = new JwtRule(ISSUER, List.of(), Optional.empty(), Optional.of("{\"keys\": 5}"), List.of(),
                false);
        assertEquals("Jwks remote fetch failed", refused(authenticator(broken), bearer(token(KEY, claims().build()))));
        InlineJwks inline = new InlineJwks("{\"keys\": 5}");
        CompletionException e = assertThrows(CompletionException.class, () -> inline.keys().join());
        assertTrue(e.getCause().getMessage().startsWith("inline JWKS is invalid: "), e.getCause().getMessage());
    }

    @Test
    void inlineKeysNeverChangeAndRemoteSourcesAreSharedPerUri() {
        InlineJwks inline = new InlineJwks(new JWKSet(KEY.toPublicJWK()).toString());
        assertEquals("k1", inline.keys().join().getKeys().get(0).getKeyID());
        assertSame(inline.keys(), inline.refreshForUnknownKey());
        JwtRule remote = new JwtRule(ISSUER, List.of(), Optional.of(URI.create("http://127.0.0.1:1/jwks")),
                Optional.empty(), List.of(), false);
        assertSame(cache.source(remote), cache.source(remote));
        assertInstanceOf(InlineJwks.class, cache.source(rule(ISSUER, List.of(), List.of(), false)));
        assertEquals(JwtSettings.defaults(), cache.settings());
    }

    @Test
    void settingsCanLowerTheRefreshFloor() {
        JwtSettings settings = JwtSettings.defaults().withJwksMinRefresh(Duration.ZERO);
        assertEquals(Duration.ZERO, settings.jwksMinRefresh());
        assertEquals(JwtSettings.defaults().clockSkew(), settings.clockSkew());
        assertEquals(JwtSettings.defaults().jwksRefresh(), settings.jwksRefresh());
        assertEquals(JwtSettings.defaults().jwksFetchTimeout(), settings.jwksFetchTimeout());
        assertEquals(JwtSettings.defaults().maxJwksBytes(), settings.maxJwksBytes());
        assertEquals(JwtSettings.defaults().maxTokenLength(), settings.maxTokenLength());
    }
}
