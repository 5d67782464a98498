package dev.ambit.e2e;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one line the demo's request client ({@code dev.ambit.local.apps.RequestClient}) prints, e.g.
 * {@code versions=v1:101,v2:99 statuses=200:200 failures=0 p50_ms=3 p99_ms=9 max_ms=12}: answers per hello
 * version, responses per status code, requests that got no response.
 */
public record RequestSummary(Map<String, Integer> versions, Map<Integer, Integer> statuses, int failures,
        String lastFailure) {

    private static final Pattern LINE = Pattern.compile(
            "versions=(\\S*) statuses=(\\S*) failures=(\\d+) .*?(?:last_failure=\"(.*)\")?$");

    public static RequestSummary parse(String output) {
        String line = output.strip().lines().reduce((first, second) -> second).orElse("");
        Matcher matcher = LINE.matcher(line);
        if (!matcher.find()) {
            throw new IllegalArgumentException("not a request client summary: " + output);
        }
        Map<Integer, Integer> statuses = new TreeMap<>();
        counts(matcher.group(2)).forEach((status, count) -> statuses.put(Integer.parseInt(status), count));
        return new RequestSummary(counts(matcher.group(1)), statuses, Integer.parseInt(matcher.group(3)),
                matcher.group(4) == null ? "" : matcher.group(4));
    }

    /** Both batches together, e.g. of requests sent while something else happened. */
    public RequestSummary plus(RequestSummary other) {
        Map<String, Integer> allVersions = new TreeMap<>(versions);
        other.versions.forEach((version, count) -> allVersions.merge(version, count, Integer::sum));
        Map<Integer, Integer> allStatuses = new TreeMap<>(statuses);
        other.statuses.forEach((status, count) -> allStatuses.merge(status, count, Integer::sum));
        return new RequestSummary(allVersions, allStatuses, failures + other.failures,
                other.lastFailure.isEmpty() ? lastFailure : other.lastFailure);
    }

    public int responses() {
        return statuses.values().stream().mapToInt(Integer::intValue).sum();
    }

    public static RequestSummary none() {
        return new RequestSummary(Map.of(), Map.of(), 0, "");
    }

    private static Map<String, Integer> counts(String field) {
        Map<String, Integer> counts = new TreeMap<>();
        if (!field.isEmpty()) {
            for (String pair : field.split(",")) {
                int colon = pair.lastIndexOf(':');
                counts.put(pair.substring(0, colon), Integer.parseInt(pair.substring(colon + 1)));
            }
        }
        return counts;
    }
}
