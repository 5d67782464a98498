package dev.ambit.waypoint;

import dev.ambit.waypoint.http.HttpLimits;
import dev.ambit.waypoint.jwt.JwtSettings;
import dev.ambit.waypoint.observe.AccessLogSettings;
import dev.ambit.waypoint.upstream.UpstreamSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * How a waypoint runs, apart from what it routes ({@link WaypointConfig}).
 *
 * @param random       thread-safe source for weighted splits, faults, mirrors, P2C balancing, ids; seed it in tests
 * @param retryBackoff base of the jittered exponential backoff between retries (capped at ten times it)
 * @param clock        JWT time checks
 */
public record WaypointSettings(
        HttpLimits limits,
        UpstreamSettings upstream,
        JwtSettings jwt,
        AccessLogSettings accessLog,
        RandomGenerator random,
        Duration retryBackoff,
        Clock clock) {

    private static final RandomGenerator PER_THREAD_RANDOM = () -> ThreadLocalRandom.current().nextLong();

    /**
     * Defaults; the random source draws from each calling thread's {@link ThreadLocalRandom}, so that event loops
     * never contend on one seed (a request takes several draws: request and trace ids, splits, balancing).
     */
    public static WaypointSettings defaults() {
        return new WaypointSettings(HttpLimits.defaults(), UpstreamSettings.defaults(), JwtSettings.defaults(),
                AccessLogSettings.defaults(), PER_THREAD_RANDOM, Duration.ofMillis(25), Clock.systemUTC());
    }

    public WaypointSettings withLimits(HttpLimits newLimits) {
        return new WaypointSettings(newLimits, upstream, jwt, accessLog, random, retryBackoff, clock);
    }

    public WaypointSettings withJwt(JwtSettings newJwt) {
        return new WaypointSettings(limits, upstream, newJwt, accessLog, random, retryBackoff, clock);
    }

    public WaypointSettings withRandom(RandomGenerator newRandom) {
        return new WaypointSettings(limits, upstream, jwt, accessLog, newRandom, retryBackoff, clock);
    }
}
