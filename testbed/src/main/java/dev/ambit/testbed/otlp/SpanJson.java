package dev.ambit.testbed.otlp;

import java.util.List;
import java.util.Map;

/** The collector's JSON view: an array of spans, each an object with its attributes as a nested object. */
final class SpanJson {

    private SpanJson() {
    }

    static String write(List<CollectedSpan> spans) {
        StringBuilder json = new StringBuilder(256 * spans.size() + 2).append('[');
        for (int i = 0; i < spans.size(); i++) {
            CollectedSpan span = spans.get(i);
            json.append(i == 0 ? "\n" : ",\n").append("{\"traceId\":");
            string(json, span.traceId()).append(",\"spanId\":");
            string(json, span.spanId()).append(",\"parentSpanId\":");
            string(json, span.parentSpanId()).append(",\"name\":");
            string(json, span.name()).append(",\"kind\":");
            string(json, span.kind()).append(",\"service\":");
            string(json, span.service()).append(",\"status\":");
            string(json, span.status()).append(",\"startUnixNanos\":").append(span.startUnixNanos())
                    .append(",\"endUnixNanos\":").append(span.endUnixNanos()).append(",\"attributes\":{");
            boolean first = true;
            for (Map.Entry<String, Object> attribute : span.attributes().entrySet()) {
                if (!first) {
                    json.append(',');
                }
                first = false;
                string(json, attribute.getKey()).append(':');
                Object value = attribute.getValue();
                if (value instanceof Long || value instanceof Boolean
                        || (value instanceof Double d && !d.isNaN() && !d.isInfinite())) {
                    json.append(value);
                } else {
                    string(json, String.valueOf(value));
                }
            }
            json.append("}}");
        }
        return json.append(spans.isEmpty() ? "]" : "\n]").append('\n').toString();
    }

    private static StringBuilder string(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }
}
