package dev.ambit.api.model.traffic;

import dev.ambit.api.model.FieldValidator;
import java.util.OptionalInt;

/**
 * Limits on what a waypoint has outstanding towards one service; requests beyond them fail fast with 503
 * instead of queueing behind a struggling backend. Empty limits are unlimited.
 */
public record CircuitBreaker(
        OptionalInt maxConnections,
        OptionalInt maxPendingRequests,
        OptionalInt maxRequests,
        OptionalInt maxRetries) {

    public CircuitBreaker {
        FieldValidator v = FieldValidator.of("CircuitBreaker");
        maxConnections = limit(v, "maxConnections", maxConnections, 1);
        maxPendingRequests = limit(v, "maxPendingRequests", maxPendingRequests, 0);
        maxRequests = limit(v, "maxRequests", maxRequests, 1);
        maxRetries = limit(v, "maxRetries", maxRetries, 0);
    }

    private static OptionalInt limit(FieldValidator v, String field, OptionalInt limit, int min) {
        OptionalInt present = v.optional(limit);
        present.ifPresent(value -> v.range(field, value, min, Integer.MAX_VALUE));
        return present;
    }
}
