package dev.ambit.waypoint.observe;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.HexFormat;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * The trace a request belongs to, and the span this hop opens in it. Read from W3C {@code traceparent}, else from B3
 * ({@code x-b3-*} or single {@code b3}); a request with neither starts a new sampled trace. Forwarded with a new span
 * id as both W3C and B3 headers, so that either kind of tracer downstream continues the trace.
 */
public record TraceContext(String traceId, String spanId, String parentSpanId, boolean sampled) {

    public static final String TRACEPARENT = "traceparent";
    static final String B3 = "b3";
    static final String B3_TRACE_ID = "x-b3-traceid";
    static final String B3_SPAN_ID = "x-b3-spanid";
    static final String B3_PARENT_SPAN_ID = "x-b3-parentspanid";
    static final String B3_SAMPLED = "x-b3-sampled";

    private static final Pattern TRACEPARENT_FORMAT =
            Pattern.compile("[0-9a-f]{2}-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
    private static final Pattern HEX_ID = Pattern.compile("[0-9a-f]{16}|[0-9a-f]{32}");
    private static final String INVALID_TRACE = "00000000000000000000000000000000";
    private static final String INVALID_SPAN = "0000000000000000";
    private static final HexFormat HEX = HexFormat.of();

    /** Continues the request's trace with a new span, or starts one. */
    public static TraceContext continueFrom(HttpHeaders headers, RandomGenerator random) {
        String spanId = newId(random, 8);
        String traceparent = headers.get(TRACEPARENT);
        if (traceparent != null) {
            var match = TRACEPARENT_FORMAT.matcher(traceparent.trim());
            if (match.matches() && !traceparent.startsWith("ff") && !INVALID_TRACE.equals(match.group(1))
                    && !INVALID_SPAN.equals(match.group(2))) {
                boolean sampled = (Integer.parseInt(match.group(3), 16) & 1) == 1;
                return new TraceContext(match.group(1), spanId, match.group(2), sampled);
            }
        }
        TraceContext b3 = fromB3(headers, spanId);
        return b3 != null ? b3 : new TraceContext(newId(random, 16), spanId, "", true);
    }

    /** Writes this hop's context onto the request sent upstream. */
    public void inject(HttpHeaders headers) {
        headers.set(TRACEPARENT, "00-" + traceId + "-" + spanId + (sampled ? "-01" : "-00"));
        headers.remove(B3);
        headers.set(B3_TRACE_ID, traceId);
        headers.set(B3_SPAN_ID, spanId);
        if (parentSpanId.isEmpty()) {
            headers.remove(B3_PARENT_SPAN_ID);
        } else {
            headers.set(B3_PARENT_SPAN_ID, parentSpanId);
        }
        headers.set(B3_SAMPLED, sampled ? "1" : "0");
    }

    private static TraceContext fromB3(HttpHeaders headers, String spanId) {
        String single = headers.get(B3);
        String traceId;
        String parent;
        String sampled;
        if (single != null) {
            String[] parts = single.trim().toLowerCase(Locale.ROOT).split("-");
            if (parts.length < 2) {
                return null;
            }
            traceId = parts[0];
            parent = parts[1];
            sampled = parts.length > 2 ? parts[2] : "1";
        } else {
            traceId = lower(headers.get(B3_TRACE_ID));
            parent = lower(headers.get(B3_SPAN_ID));
            sampled = headers.get(B3_SAMPLED, "1");
        }
        if (traceId == null || parent == null || !HEX_ID.matcher(traceId).matches()
                || !HEX_ID.matcher(parent).matches() || parent.length() != 16) {
            return null;
        }
        // traceparent needs 128 bits: a 64-bit B3 trace id is left-padded, as B3 itself specifies.
        String wide = traceId.length() == 16 ? "0000000000000000" + traceId : traceId;
        return new TraceContext(wide, spanId, parent, !"0".equals(sampled));
    }

    private static String lower(String value) {
        return value == null ? null : value.trim().toLowerCase(Locale.ROOT);
    }

    /** A random non-zero id of 8 or 16 bytes, in lowercase hex: one draw per 8 bytes. */
    private static String newId(RandomGenerator random, int bytes) {
        long high;
        long low;
        do {
            high = bytes > 8 ? random.nextLong() : 0;
            low = random.nextLong();
        } while (high == 0 && low == 0);
        return bytes > 8 ? HEX.toHexDigits(high) + HEX.toHexDigits(low) : HEX.toHexDigits(low);
    }
}
