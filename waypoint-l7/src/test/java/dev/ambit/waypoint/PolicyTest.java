package dev.ambit.waypoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.ambit.api.model.policy.AuthorizationPolicy;
import dev.ambit.api.model.policy.AuthorizationRule;
import dev.ambit.api.model.policy.Condition;
import dev.ambit.api.model.policy.JwtRule;
import dev.ambit.api.model.policy.Operation;
import dev.ambit.api.model.policy.RequestAuthentication;
import dev.ambit.api.model.policy.Source;
import dev.ambit.waypoint.jwt.JwtSettings;
import dev.ambit.waypoint.testing.Http1Client;
import dev.ambit.waypoint.testing.Mesh;
import dev.ambit.waypoint.testing.NoLeaks;
import dev.ambit.waypoint.testing.TestBackend;
import dev.ambit.waypoint.testing.WaypointHarness;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** RequestAuthentication (JWT, JWKS served locally) and L7 AuthorizationPolicy through a real waypoint. */
@ExtendWith(NoLeaks.class)
class PolicyTest {

    static final String ISSUER = "https://issuer.test";
    static final String INLINE_ISSUER = "https://inline.test";
    static RSAKey key1;
    static RSAKey key2;
    static RSAKey inlineKey;
    static HttpServer jwksServer;
    static final AtomicReference<String> served = new AtomicReference<>();
    static final AtomicInteger fetches = new AtomicInteger();
    static TestBackend backend;
    static WaypointHarness plain;
    static WaypointHarness trusted;

    @BeforeAll
    static void start() throws Exception {
        key1 = new RSAKeyGenerator(2048).keyID("k1").generate();
        key2 = new RSAKeyGenerator(2048).keyID("k2").generate();
        inlineKey = new RSAKeyGenerator(2048).keyID("inline").generate();
        served.set(new JWKSet(key1.toPublicJWK()).toString());
        jwksServer = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwksServer.createContext("/jwks", exchange -> {
            fetches.incrementAndGet();
            byte[] body = served.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        jwksServer.start();
        backend = TestBackend.http1("api");
        URI jwks = URI.create("http://127.0.0.1:" + jwksServer.getAddress().getPort() + "/jwks");
        WaypointConfig config = new Mesh().service("api", backend.port())
                .authentication(new RequestAuthentication(Mesh.name("jwt"), Map.of(), List.of(
                        new JwtRule(ISSUER, List.of("api"), Optional.of(jwks), Optional.empty(), List.of(), false),
                        new JwtRule(INLINE_ISSUER, List.of(), Optional.empty(),
                                Optional.of(new JWKSet(inlineKey.toPublicJWK()).toString()), List.of(), true))))
                .authorization(new AuthorizationPolicy(Mesh.name("no-delete"), Map.of(),
                        AuthorizationPolicy.Action.DENY, List.of(new AuthorizationRule(List.of(),
                        List.of(operation(List.of("DELETE"), List.of())), List.of()))))
                .authorization(new AuthorizationPolicy(Mesh.name("allow"), Map.of(),
                        AuthorizationPolicy.Action.ALLOW, List.of(
                        new AuthorizationRule(List.of(), List.of(operation(List.of(), List.of("/public/*"))), List.of()),
                        new AuthorizationRule(List.of(), List.of(), List.of(
                                new Condition("request.auth.claims[role]", List.of("admin"), List.of()))),
                        new AuthorizationRule(List.of(), List.of(operation(List.of(), List.of("/tenant"))), List.of(
                                new Condition("request.headers[x-tenant]", List.of("acme"), List.of()))),
                        new AuthorizationRule(List.of(new Source(List.of(Mesh.identity("trusted")), List.of(),
                                List.of(), List.of())), List.of(operation(List.of(), List.of("/internal*"))),
                                List.of()))))
                .config();
        WaypointSettings settings = WaypointSettings.defaults()
                .withJwt(JwtSettings.defaults().withJwksMinRefresh(Duration.ZERO));
        plain = new WaypointHarness(settings).update(config);
        trusted = new WaypointHarness(settings, Optional.of(Mesh.identity("trusted"))).update(config);
    }

    @AfterAll
    static void stop() {
        plain.close();
        trusted.close();
        backend.close();
        jwksServer.stop(0);
    }

    private static Operation operation(List<String> methods, List<String> paths) {
        return new Operation(List.of(), List.of(), methods, paths, List.of(), List.of());
    }

    private static String token(RSAKey key, String kid, String issuer, String audience, String role, Instant expires)
            throws JOSEException {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject("alice").audience(audience)
                .claim("role", role).expirationTime(Date.from(expires)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static HttpResponse<String> get(WaypointHarness waypoint, String method, String path, String token) {
        Map<String, String> headers = token == null ? Map.of() : Map.of("Authorization", "Bearer " + token);
        return new Http1Client(waypoint.port()).send("api", method, path, headers, null);
    }

    private static Instant inAnHour() {
        return Instant.now().plusSeconds(3600);
    }

    @Test
    void validTokenAuthorizesByClaimAndIsNotForwarded() throws Exception {
        HttpResponse<String> response = get(plain, "GET", "/private", token(key1, "k1", ISSUER, "api", "admin",
                inAnHour()));
        assertEquals(200, response.statusCode());
        assertNull(backend.last().headers().get("authorization"));
        assertEquals(403, get(plain, "GET", "/private", token(key1, "k1", ISSUER, "api", "user", inAnHour()))
                .statusCode());
    }

    @Test
    void noTokenPassesAuthenticationButNotAuthorization() {
        assertEquals(200, get(plain, "GET", "/public/page", null).statusCode());
        HttpResponse<String> denied = get(plain, "GET", "/private", null);
        assertEquals(403, denied.statusCode());
        assertTrue(denied.body().contains("RBAC: access denied: no ALLOW policy matched"), denied.body());
    }

    @Test
    void expiredWrongIssuerBadSignatureAndWrongAudienceAre401WithTheReason() throws Exception {
        assertRejected(token(key1, "k1", ISSUER, "api", "admin", Instant.now().minusSeconds(600)), "Jwt is expired");
        assertRejected(token(key1, "k1", "https://other.test", "api", "admin", inAnHour()),
                "Jwt issuer is not configured");
        assertRejected(token(key2, "k1", ISSUER, "api", "admin", inAnHour()), "Jwt verification fails");
        assertRejected(token(key1, "k1", ISSUER, "web", "admin", inAnHour()), "Audiences in Jwt are not allowed");
        assertRejected("not-a-jwt", "Jwt is not in the form");
    }

    private static void assertRejected(String token, String reason) {
        HttpResponse<String> response = get(plain, "GET", "/public/x", token);
        assertEquals(401, response.statusCode(), response.body());
        assertTrue(response.body().contains(reason), response.body());
        assertTrue(response.headers().firstValue("www-authenticate").orElseThrow().contains("invalid_token"));
    }

    @Test
    void tokenWithinClockSkewIsAccepted() throws Exception {
        assertEquals(200, get(plain, "GET", "/private", token(key1, "k1", ISSUER, "api", "admin",
                Instant.now().minusSeconds(30))).statusCode());
    }

    @Test
    void keyRotationIsPickedUpWhenATokenNamesANewKey() throws Exception {
        served.set(new JWKSet(List.of(key1.toPublicJWK(), key2.toPublicJWK())).toString());
        int before = fetches.get();
        assertEquals(200, get(plain, "GET", "/private", token(key2, "k2", ISSUER, "api", "admin", inAnHour()))
                .statusCode());
        assertTrue(fetches.get() > before, "the unknown key id made the waypoint fetch the JWKS again");
    }

    @Test
    void inlineJwksValidatesAndForwardsTheTokenWhenTheRuleSaysSo() throws Exception {
        String token = token(inlineKey, "inline", INLINE_ISSUER, "anything", "admin", inAnHour());
        assertEquals(200, get(plain, "GET", "/private", token).statusCode());
        assertEquals("Bearer " + token, backend.last().headers().get("authorization"));
    }

    @Test
    void denyPolicyWinsOverAllow() throws Exception {
        HttpResponse<String> response = get(plain, "DELETE", "/private", token(key1, "k1", ISSUER, "api", "admin",
                inAnHour()));
        assertEquals(403, response.statusCode());
        assertTrue(response.body().contains("denied by policy demo/no-delete"), response.body());
    }

    @Test
    void headerConditionAndSourcePrincipal() {
        assertEquals(200, new Http1Client(plain.port()).send("api", "GET", "/tenant", Map.of("x-tenant", "acme"),
                null).statusCode());
        assertEquals(403, new Http1Client(plain.port()).send("api", "GET", "/tenant", Map.of("x-tenant", "other"),
                null).statusCode());
        assertEquals(403, get(plain, "GET", "/internal/x", null).statusCode());
        assertEquals(200, get(trusted, "GET", "/internal/x", null).statusCode());
    }

    @Test
    void dotSegmentsCannotSneakPastPathRules() {
        assertEquals(403, get(plain, "GET", "/public/../private", null).statusCode());
    }

}
