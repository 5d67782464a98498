package dev.ambit.api.mesh;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the samples of a Prometheus text exposition (version 0.0.4, what every mesh process serves on
 * {@code :15020/metrics}): one {@link Sample} per line that is not a comment. Enough to read the mesh's own series
 * (the controller's graph, {@code ambit agent status}), not a full parser.
 */
public final class PrometheusText {

    /** One sample: the series' name (with its {@code _total}, {@code _bucket} suffix), its labels and value. */
    public record Sample(String name, Map<String, String> labels, double value) {

        public String label(String name) {
            return labels.getOrDefault(name, "");
        }
    }

    private PrometheusText() {
    }

    /** Every sample that parses; a line that does not is skipped, so one odd series does not hide the others. */
    public static List<Sample> parse(String text) {
        return parse(text, false);
    }

    /**
     * Every sample, when every line parses: for an answer that may not be metrics at all (an HTML error page).
     *
     * @throws IllegalArgumentException naming the first line that is not a sample
     */
    public static List<Sample> parseStrict(String text) {
        return parse(text, true);
    }

    private static List<Sample> parse(String text, boolean strict) {
        List<Sample> samples = new ArrayList<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            String trimmed = lines[i].strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            Sample sample = parseLine(trimmed);
            if (sample != null) {
                samples.add(sample);
            } else if (strict) {
                throw new IllegalArgumentException("not Prometheus text, line " + (i + 1) + ": " + trimmed);
            }
        }
        return samples;
    }

    private static Sample parseLine(String line) {
        int nameEnd = 0;
        while (nameEnd < line.length() && line.charAt(nameEnd) != '{' && line.charAt(nameEnd) != ' ') {
            nameEnd++;
        }
        String name = line.substring(0, nameEnd);
        Map<String, String> labels = new HashMap<>();
        int at = nameEnd;
        if (at < line.length() && line.charAt(at) == '{') {
            at = parseLabels(line, at + 1, labels);
            if (at < 0) {
                return null;
            }
        }
        String[] rest = line.substring(at).strip().split(" ");
        if (name.isEmpty() || rest.length == 0 || rest[0].isEmpty()) {
            return null;
        }
        try {
            return new Sample(name, Map.copyOf(labels), value(rest[0]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Reads {@code a="x",b="y"} up to the closing brace; returns the index after it, or -1 when malformed. */
    private static int parseLabels(String line, int at, Map<String, String> labels) {
        while (at < line.length()) {
            char c = line.charAt(at);
            if (c == '}') {
                return at + 1;
            }
            if (c == ',' || c == ' ') {
                at++;
                continue;
            }
            int equals = line.indexOf('=', at);
            if (equals < 0 || equals + 1 >= line.length() || line.charAt(equals + 1) != '"') {
                return -1;
            }
            String label = line.substring(at, equals).strip();
            StringBuilder value = new StringBuilder();
            int i = equals + 2;
            for (; i < line.length() && line.charAt(i) != '"'; i++) {
                char v = line.charAt(i);
                if (v == '\\' && i + 1 < line.length()) {
                    char escaped = line.charAt(++i);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else {
                    value.append(v);
                }
            }
            if (i >= line.length()) {
                return -1;
            }
            labels.put(label, value.toString());
            at = i + 1;
        }
        return -1;
    }

    private static double value(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }
}
