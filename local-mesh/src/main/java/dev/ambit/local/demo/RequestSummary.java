package dev.ambit.local.demo;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@link dev.ambit.local.apps.RequestClient}'s one-line summary, parsed. */
public record RequestSummary(Map<String, Integer> versions, Map<String, Integer> statuses, int failures, long p50Millis,
                             long p99Millis, long maxMillis, String line) {

    public static RequestSummary parse(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String field : line.split(" (?=[a-z_0-9]+=)")) {
            int equals = field.indexOf('=');
            if (equals > 0) {
                fields.put(field.substring(0, equals), field.substring(equals + 1));
            }
        }
        if (!fields.containsKey("statuses")) {
            throw new IllegalStateException("not a request summary: '" + line + "'");
        }
        return new RequestSummary(counts(fields.get("versions")), counts(fields.get("statuses")),
                Integer.parseInt(fields.get("failures")), Long.parseLong(fields.get("p50_ms")),
                Long.parseLong(fields.get("p99_ms")), Long.parseLong(fields.get("max_ms")), line);
    }

    public int total() {
        return statuses.values().stream().mapToInt(Integer::intValue).sum() + failures;
    }

    public int status(int code) {
        return statuses.getOrDefault(String.valueOf(code), 0);
    }

    private static Map<String, Integer> counts(String text) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        if (text != null && !text.equals("-")) {
            for (String pair : text.split(",")) {
                int colon = pair.indexOf(':');
                counts.put(pair.substring(0, colon), Integer.parseInt(pair.substring(colon + 1)));
            }
        }
        return counts;
    }
}
