package dev.ambit.api.model.traffic;

import dev.ambit.api.model.FieldValidator;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Retries a failed request up to {@link #attempts} more times when its outcome is one of {@link #retryOn} or,
 * for gRPC, its status is one of {@link #retriableGrpcStatuses}.
 *
 * @param attempts at most {@value #MAX_ATTEMPTS}: beyond that a retry policy multiplies load more than it helps
 */
public record RetryPolicy(
        int attempts,
        Optional<Duration> perTryTimeout,
        Set<RetryOn> retryOn,
        Set<Integer> retriableStatusCodes,
        Set<Integer> retriableGrpcStatuses,
        Optional<RetryBudget> budget) {

    public static final int MAX_ATTEMPTS = 10;

    public RetryPolicy {
        FieldValidator v = FieldValidator.of("RetryPolicy");
        v.range("attempts", attempts, 0, MAX_ATTEMPTS);
        perTryTimeout = v.optional(perTryTimeout);
        perTryTimeout.ifPresent(timeout -> v.positive("perTryTimeout", timeout));
        retryOn = v.set("retryOn", retryOn);
        retriableStatusCodes = v.set("retriableStatusCodes", retriableStatusCodes);
        retriableStatusCodes.forEach(code -> v.range("retriableStatusCodes", code, 100, 599));
        v.check(retryOn.contains(RetryOn.RETRIABLE_STATUS_CODES) == !retriableStatusCodes.isEmpty(),
                "retriableStatusCodes", "must be set exactly when retryOn has RETRIABLE_STATUS_CODES");
        retriableGrpcStatuses = v.set("retriableGrpcStatuses", retriableGrpcStatuses);
        retriableGrpcStatuses.forEach(status -> v.range("retriableGrpcStatuses", status, 1, 16));
        v.check(attempts == 0 || !retryOn.isEmpty() || !retriableGrpcStatuses.isEmpty(), "retryOn",
                "is empty, so no request would ever be retried");
        budget = v.optional(budget);
    }
}
