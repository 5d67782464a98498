package dev.ambit.waypoint.jwt;

import java.time.Duration;

/**
 * @param clockSkew          leeway on {@code exp} and {@code nbf}
 * @param jwksRefresh        how long fetched keys are used before they are fetched again
 * @param jwksMinRefresh     least time between fetches when a token names an unknown key (key rotation), so that
 *                           forged key ids cannot hammer the issuer
 * @param jwksFetchTimeout   connect and response deadline of a fetch
 * @param maxJwksBytes       largest key set accepted
 * @param maxTokenLength     longer tokens are rejected before parsing
 */
public record JwtSettings(
        Duration clockSkew,
        Duration jwksRefresh,
        Duration jwksMinRefresh,
        Duration jwksFetchTimeout,
        int maxJwksBytes,
        int maxTokenLength) {

    public static JwtSettings defaults() {
        return new JwtSettings(Duration.ofSeconds(60), Duration.ofMinutes(10), Duration.ofSeconds(30),
                Duration.ofSeconds(5), 256 * 1024, 16 * 1024);
    }

    public JwtSettings withJwksMinRefresh(Duration minRefresh) {
        return new JwtSettings(clockSkew, jwksRefresh, minRefresh, jwksFetchTimeout, maxJwksBytes, maxTokenLength);
    }
}
