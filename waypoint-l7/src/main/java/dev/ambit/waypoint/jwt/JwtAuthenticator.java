package dev.ambit.waypoint.jwt;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyConverter;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.ambit.api.model.policy.JwtHeader;
import dev.ambit.api.model.policy.JwtRule;
import dev.ambit.api.model.policy.RequestAuthentication;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Validates the JWT of a request against the {@link RequestAuthentication}s of its service: the issuer must be
 * configured, the signature must verify with one of the issuer's keys, {@code exp}/{@code nbf} must hold within the
 * clock skew, and {@code aud} must name an accepted audience when the rule lists any. A request without a token
 * passes unauthenticated; authorization policy decides whether that is enough.
 */
public final class JwtAuthenticator {

    public static final JwtAuthenticator NONE = new JwtAuthenticator(Map.of(), List.of(), JwtSettings.defaults(),
            Clock.systemUTC());

    private static final JwtHeader DEFAULT_LOCATION = new JwtHeader(HttpHeaderNames.AUTHORIZATION.toString(), "Bearer ");
    private static final DefaultJWSVerifierFactory VERIFIERS = new DefaultJWSVerifierFactory();

    private record Issuer(JwtRule rule, JwksSource keys) {
    }

    private record Token(String value, String header) {
    }

    private final Map<String, Issuer> issuers;
    private final List<JwtHeader> locations;
    private final JwtSettings settings;
    private final Clock clock;

    private JwtAuthenticator(Map<String, Issuer> issuers, List<JwtHeader> locations, JwtSettings settings,
            Clock clock) {
        this.issuers = issuers;
        this.locations = locations;
        this.settings = settings;
        this.clock = clock;
    }

    public static JwtAuthenticator of(List<RequestAuthentication> policies, JwksCache keys, Clock clock) {
        Map<String, Issuer> issuers = new LinkedHashMap<>();
        List<JwtHeader> locations = new ArrayList<>();
        for (RequestAuthentication policy : policies) {
            for (JwtRule rule : policy.jwtRules()) {
                issuers.putIfAbsent(rule.issuer(), new Issuer(rule, keys.source(rule)));
                List<JwtHeader> ruleLocations = rule.fromHeaders().isEmpty() ? List.of(DEFAULT_LOCATION)
                        : rule.fromHeaders();
                ruleLocations.stream().filter(location -> !locations.contains(location)).forEach(locations::add);
            }
        }
        return issuers.isEmpty() ? NONE : new JwtAuthenticator(Map.copyOf(issuers), List.copyOf(locations),
                keys.settings(), clock);
    }

    /**
     * Completes with the verified token, with empty when the request carries none, or exceptionally with a
     * {@link JwtRejection}.
     */
    public CompletableFuture<Optional<VerifiedJwt>> authenticate(HttpHeaders headers) {
        if (issuers.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        Optional<Token> token = find(headers);
        if (token.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        try {
            return verify(token.get()).thenApply(Optional::of);
        } catch (JwtRejection rejection) {
            return CompletableFuture.failedFuture(rejection);
        }
    }

    private Optional<Token> find(HttpHeaders headers) {
        for (JwtHeader location : locations) {
            String value = headers.get(location.name());
            if (value != null && value.regionMatches(true, 0, location.prefix(), 0, location.prefix().length())) {
                return Optional.of(new Token(value.substring(location.prefix().length()).trim(), location.name()));
            }
        }
        return Optional.empty();
    }

    private CompletableFuture<VerifiedJwt> verify(Token token) throws JwtRejection {
        if (token.value().length() > settings.maxTokenLength()) {
            throw new JwtRejection("Jwt is too long");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token.value());
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new JwtRejection("Jwt is not in the form of Header.Payload.Signature with a JSON payload");
        }
        Issuer issuer = claims.getIssuer() == null ? null : issuers.get(claims.getIssuer());
        if (issuer == null) {
            throw new JwtRejection("Jwt issuer is not configured");
        }
        JWKMatcher matcher = JWKMatcher.forJWSHeader(jwt.getHeader());
        if (matcher == null) {
            throw new JwtRejection("Jwt algorithm " + jwt.getHeader().getAlgorithm() + " is not supported");
        }
        JWKSelector selector = new JWKSelector(matcher);
        return issuer.keys().keys()
                .thenCompose(keys -> selector.select(keys).isEmpty()
                        ? issuer.keys().refreshForUnknownKey() : CompletableFuture.completedFuture(keys))
                .handle((keys, error) -> {
                    if (error != null) {
                        throw new RejectionCarrier(new JwtRejection("Jwks remote fetch failed"));
                    }
                    return keys;
                })
                .thenApply(keys -> {
                    try {
                        return check(jwt, claims, issuer.rule(), selector.select(keys), token.header());
                    } catch (JwtRejection rejection) {
                        throw new RejectionCarrier(rejection);
                    }
                })
                .exceptionallyCompose(error -> CompletableFuture.failedFuture(unwrap(error)));
    }

    private VerifiedJwt check(SignedJWT jwt, JWTClaimsSet claims, JwtRule rule, List<JWK> candidates, String header)
            throws JwtRejection {
        if (candidates.isEmpty()) {
            throw new JwtRejection("Jwt verification fails: no key matches its kid and algorithm");
        }
        if (!verifies(jwt, candidates)) {
            throw new JwtRejection("Jwt verification fails");
        }
        Instant now = clock.instant();
        Date expires = claims.getExpirationTime();
        if (expires != null && now.isAfter(expires.toInstant().plus(settings.clockSkew()))) {
            throw new JwtRejection("Jwt is expired");
        }
        Date notBefore = claims.getNotBeforeTime();
        if (notBefore != null && now.plus(settings.clockSkew()).isBefore(notBefore.toInstant())) {
            throw new JwtRejection("Jwt not yet valid");
        }
        if (!rule.audiences().isEmpty()
                && (claims.getAudience() == null || claims.getAudience().stream().noneMatch(rule.audiences()::contains))) {
            throw new JwtRejection("Audiences in Jwt are not allowed");
        }
        return new VerifiedJwt(claims.getIssuer(), claims.getSubject(), header, rule.forwardOriginalToken(),
                claims.toJSONObject());
    }

    private static boolean verifies(SignedJWT jwt, List<JWK> candidates) {
        JWSHeader header = jwt.getHeader();
        for (Key key : KeyConverter.toJavaKeys(candidates)) {
            try {
                if (jwt.verify(VERIFIERS.createJWSVerifier(header, key))) {
                    return true;
                }
            } catch (JOSEException e) {
                // A key of the wrong type or size for this algorithm: try the next one.
            }
        }
        return false;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && !(cause instanceof RejectionCarrier)) {
            cause = cause.getCause();
        }
        return cause instanceof RejectionCarrier carrier ? carrier.rejection : cause;
    }

    /** Carries a checked rejection through the future's stages. */
    private static final class RejectionCarrier extends RuntimeException {

        private final JwtRejection rejection;

        RejectionCarrier(JwtRejection rejection) {
            super(rejection.getMessage(), null, false, false);
            this.rejection = rejection;
        }
    }
}
