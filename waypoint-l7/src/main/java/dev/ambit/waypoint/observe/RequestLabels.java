package dev.ambit.waypoint.observe;

/**
 * The labels of one request's metrics. Workloads are canonical names ({@code app} label) or {@code unknown};
 * {@code method} is the request method when it is a standard one, else {@code OTHER}, so that clients cannot grow
 * the series count.
 */
public record RequestLabels(
        String sourceWorkload,
        String sourceNamespace,
        String sourcePrincipal,
        String destinationWorkload,
        String destinationNamespace,
        String destinationService,
        String method,
        int responseCode) {

    public static final String UNKNOWN = "unknown";

    private static final java.util.Set<String> STANDARD_METHODS = java.util.Set.of(
            "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE");

    public static String methodClass(String method) {
        return STANDARD_METHODS.contains(method) ? method : "OTHER";
    }
}
