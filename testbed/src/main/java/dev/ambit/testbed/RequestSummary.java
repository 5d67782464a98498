package dev.ambit.testbed;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one line the demo's request client ({@code dev.ambit.local.apps.RequestClient}) prints last, parsed; the
 * local demo, its end-to-end test and the kind tests all read it here. For example:
 *
 * <pre>
 * versions=v1:101,v2:99 statuses=200:200,403:3 failures=2 p50_ms=3 p99_ms=9 max_ms=12
 *     failure_kinds=connect_timeout:2 rbac=demo/deny-client:3 last_failure="SocketTimeoutException: Connect timed out"
 * </pre>
 *
 * (one line): answers per hello version, responses per status code, requests that got no response and why
 * ({@link #failureKinds()}), the waypoint's RBAC denials by the policy its 403 body names ({@link #rbac()}), latency
 * percentiles of the answered requests. An empty count map is {@code -}.
 *
 * @param failureKinds why requests got no response: {@value #CONNECT_TIMEOUT} (no answer to the SYN: what a kernel
 *        drop looks like), {@value #REFUSED}, {@value #UNREACHABLE}, {@value #RESET}, {@value #READ_TIMEOUT},
 *        {@value #NO_RESPONSE} (closed without an HTTP response), {@value #OTHER}
 * @param rbac 403s whose body is the waypoint's {@code RBAC: access denied: ...}, by the policy named there
 *        ({@value #NO_ALLOW_MATCH} when no ALLOW policy matched)
 */
public record RequestSummary(Map<String, Integer> versions, Map<Integer, Integer> statuses, int failures,
        Map<String, Integer> failureKinds, Map<String, Integer> rbac, long p50Millis, long p99Millis, long maxMillis,
        String lastFailure) {

    public static final String CONNECT_TIMEOUT = "connect_timeout";
    public static final String REFUSED = "refused";
    public static final String UNREACHABLE = "unreachable";
    public static final String RESET = "reset";
    public static final String READ_TIMEOUT = "read_timeout";
    public static final String NO_RESPONSE = "no_response";
    public static final String OTHER = "other";
    public static final String NO_ALLOW_MATCH = "no_allow_match";
    private static final String LAST_FAILURE = " last_failure=\"";

    public RequestSummary {
        versions = Collections.unmodifiableMap(new TreeMap<>(versions));
        statuses = Collections.unmodifiableMap(new TreeMap<>(statuses));
        failureKinds = Collections.unmodifiableMap(new TreeMap<>(failureKinds));
        rbac = Collections.unmodifiableMap(new TreeMap<>(rbac));
    }

    /** The summary in {@code output}: its last non-blank line (a JVM may print notices before it). */
    public static RequestSummary parse(String output) {
        String line = output.strip().lines().reduce((first, second) -> second).orElse("").strip();
        String lastFailure = "";
        int quoted = line.indexOf(LAST_FAILURE);
        if (quoted >= 0 && line.endsWith("\"")) {
            lastFailure = line.substring(quoted + LAST_FAILURE.length(), line.length() - 1);
            line = line.substring(0, quoted);
        }
        Map<String, String> fields = new TreeMap<>();
        for (String field : line.split(" ")) {
            int equals = field.indexOf('=');
            if (equals > 0) {
                fields.put(field.substring(0, equals), field.substring(equals + 1));
            }
        }
        if (!fields.containsKey("statuses") || !fields.containsKey("failures")) {
            throw new IllegalArgumentException("not a request client summary: '" + output + "'");
        }
        Map<Integer, Integer> statuses = new TreeMap<>();
        counts(fields.get("statuses")).forEach((status, count) -> statuses.put(Integer.parseInt(status), count));
        return new RequestSummary(counts(fields.get("versions")), statuses, Integer.parseInt(fields.get("failures")),
                counts(fields.get("failure_kinds")), counts(fields.get("rbac")), number(fields.get("p50_ms")),
                number(fields.get("p99_ms")), number(fields.get("max_ms")), lastFailure);
    }

    /** No requests: what {@link #plus} starts from. */
    public static RequestSummary none() {
        return new RequestSummary(Map.of(), Map.of(), 0, Map.of(), Map.of(), -1, -1, -1, "");
    }

    /** Both batches' counts together (latencies are the larger of the two: batches are not merged sample-wise). */
    public RequestSummary plus(RequestSummary other) {
        return new RequestSummary(sum(versions, other.versions), sum(statuses, other.statuses),
                failures + other.failures, sum(failureKinds, other.failureKinds), sum(rbac, other.rbac),
                Math.max(p50Millis, other.p50Millis), Math.max(p99Millis, other.p99Millis),
                Math.max(maxMillis, other.maxMillis), other.lastFailure.isEmpty() ? lastFailure : other.lastFailure);
    }

    /** Requests that got an HTTP response, whatever its status. */
    public int responses() {
        return statuses.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Requests sent: answered or failed. */
    public int total() {
        return responses() + failures;
    }

    /** Responses with status {@code code}. */
    public int status(int code) {
        return statuses.getOrDefault(code, 0);
    }

    /** Requests that failed for {@code kind} (one of the constants). */
    public int failed(String kind) {
        return failureKinds.getOrDefault(kind, 0);
    }

    private static <K> Map<K, Integer> sum(Map<K, Integer> one, Map<K, Integer> other) {
        Map<K, Integer> sum = new TreeMap<>(one);
        other.forEach((key, count) -> sum.merge(key, count, Integer::sum));
        return sum;
    }

    private static long number(String text) {
        return text == null ? -1 : Long.parseLong(text);
    }

    private static Map<String, Integer> counts(String field) {
        Map<String, Integer> counts = new TreeMap<>();
        if (field != null && !field.isEmpty() && !field.equals("-")) {
            for (String pair : field.split(",")) {
                int colon = pair.lastIndexOf(':');
                counts.put(pair.substring(0, colon), Integer.parseInt(pair.substring(colon + 1)));
            }
        }
        return counts;
    }
}
