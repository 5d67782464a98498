package dev.ambit.waypoint.observe;

/** The fields an access-log line may carry, named as they appear in the JSON. */
public enum AccessLogField {
    START_TIME("start_time"),
    METHOD("method"),
    PATH("path"),
    PROTOCOL("protocol"),
    AUTHORITY("authority"),
    RESPONSE_CODE("response_code"),
    RESPONSE_FLAGS("response_flags"),
    BYTES_RECEIVED("bytes_received"),
    BYTES_SENT("bytes_sent"),
    DURATION_MS("duration_ms"),
    UPSTREAM_HOST("upstream_host"),
    UPSTREAM_SERVICE("upstream_service"),
    ROUTE("route"),
    ATTEMPTS("attempts"),
    SOURCE_ADDRESS("source_address"),
    SOURCE_PRINCIPAL("source_principal"),
    JWT_ISSUER("jwt_issuer"),
    JWT_SUBJECT("jwt_subject"),
    USER_AGENT("user_agent"),
    REQUEST_ID("request_id"),
    TRACE_ID("trace_id"),
    SPAN_ID("span_id"),
    DETAIL("detail");

    private final String jsonName;

    AccessLogField(String jsonName) {
        this.jsonName = jsonName;
    }

    public String jsonName() {
        return jsonName;
    }
}
