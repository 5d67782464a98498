package dev.ambit.api.model.traffic;

/** Outcomes that make an HTTP request worth retrying. */
public enum RetryOn {
    /** Any 5xx response, and connect failures and resets. */
    HTTP_5XX,
    /** 502, 503 and 504. */
    GATEWAY_ERROR,
    CONNECT_FAILURE,
    /** The backend reset or closed the connection before responding. */
    RESET,
    /** The codes in {@link RetryPolicy#retriableStatusCodes}. */
    RETRIABLE_STATUS_CODES
}
