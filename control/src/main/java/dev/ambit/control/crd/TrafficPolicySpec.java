package dev.ambit.control.crd;

import java.util.List;

/**
 * {@code spec} of {@code TrafficPolicy.traffic.ambit.dev/v1alpha1}. Durations are Gateway API strings such as
 * {@code 250ms}, {@code 10s} or {@code 1m30s}.
 */
public record TrafficPolicySpec(
        ServiceTarget targetRef,
        String loadBalancer,
        Retries retries,
        String timeout,
        CircuitBreaker circuitBreaker,
        OutlierDetection outlierDetection,
        Fault fault,
        Mirror mirror) {

    /** A service; {@code namespace} defaults to the policy's own, {@code port} to every port. */
    public record ServiceTarget(String name, String namespace, Integer port) {
    }

    public record Retries(Integer attempts, String perTryTimeout, List<String> retryOn,
            List<Integer> retriableStatusCodes, List<Integer> retriableGrpcStatuses, RetryBudget budget) {
    }

    public record RetryBudget(Double ratio, Integer minRetriesPerSecond, String ttl) {
    }

    public record CircuitBreaker(Integer maxConnections, Integer maxPendingRequests, Integer maxRequests,
            Integer maxRetries) {
    }

    public record OutlierDetection(Integer consecutive5xx, String interval, String baseEjectionTime,
            Integer maxEjectionPercent) {
    }

    public record Fault(Delay delay, Abort abort) {
    }

    public record Delay(Double percentage, String fixedDelay) {
    }

    public record Abort(Double percentage, Integer httpStatus, Integer grpcStatus) {
    }

    public record Mirror(ServiceTarget backend, Double percentage) {
    }
}
