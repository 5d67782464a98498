package dev.ambit.api.model.traffic;

import dev.ambit.api.model.FieldValidator;
import java.time.Duration;

/**
 * Caps retries fleet-wide so they cannot turn an overload into a collapse: retries may add at most {@link #ratio}
 * of the requests seen over the last {@link #ttl}, plus {@link #minRetriesPerSecond} so that low traffic can
 * still retry.
 */
public record RetryBudget(double ratio, int minRetriesPerSecond, Duration ttl) {

    public RetryBudget {
        FieldValidator v = FieldValidator.of("RetryBudget");
        v.fraction("ratio", ratio, 1);
        v.range("minRetriesPerSecond", minRetriesPerSecond, 0, Integer.MAX_VALUE);
        v.positive("ttl", ttl);
    }
}
