package dev.ambit.waypoint.resilience;

import dev.ambit.api.model.traffic.RetryOn;
import dev.ambit.api.model.traffic.RetryPolicy;
import java.util.Set;

/** Whether an attempt's outcome is worth another attempt under a {@link RetryPolicy}. */
public final class RetryConditions {

    /** How an attempt failed without a response. */
    public enum Failure {
        CONNECT_FAILURE,
        /** The backend reset or closed the connection before the response head. */
        RESET,
        /** The per-try timeout expired before the response head. */
        TIMEOUT
    }

    private final Set<RetryOn> retryOn;
    private final Set<Integer> statusCodes;
    private final Set<Integer> grpcStatuses;

    public RetryConditions(RetryPolicy policy) {
        this.retryOn = policy.retryOn();
        this.statusCodes = policy.retriableStatusCodes();
        this.grpcStatuses = policy.retriableGrpcStatuses();
    }

    /** @param grpcStatus the {@code grpc-status} of a trailers-only response, or -1 */
    public boolean retriable(int status, int grpcStatus) {
        return (retryOn.contains(RetryOn.HTTP_5XX) && status >= 500)
                || (retryOn.contains(RetryOn.GATEWAY_ERROR) && status >= 502 && status <= 504)
                || (retryOn.contains(RetryOn.RETRIABLE_STATUS_CODES) && statusCodes.contains(status))
                || (grpcStatus > 0 && grpcStatuses.contains(grpcStatus));
    }

    public boolean retriable(Failure failure) {
        if (retryOn.contains(RetryOn.HTTP_5XX) || retryOn.contains(RetryOn.GATEWAY_ERROR)) {
            return true;
        }
        return switch (failure) {
            case CONNECT_FAILURE -> retryOn.contains(RetryOn.CONNECT_FAILURE);
            case RESET -> retryOn.contains(RetryOn.RESET);
            case TIMEOUT -> false;
        };
    }
}
