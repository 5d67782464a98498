package dev.ambit.waypoint.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.HttpConversionUtil;
import java.util.List;

/** Removes what belongs to one hop only before a message is forwarded to the next. */
public final class MessageHeaders {

    private static final List<CharSequence> HOP_BY_HOP = List.of(HttpHeaderNames.CONNECTION,
            HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.PROXY_CONNECTION, HttpHeaderNames.TRANSFER_ENCODING,
            HttpHeaderNames.UPGRADE, HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION);

    /** Netty's {@code x-http2-*} conversion headers: meaningful inside one process only. */
    private static final List<String> CONVERSION = java.util.Arrays.stream(
            HttpConversionUtil.ExtensionHeaderNames.values()).map(name -> name.text().toString()).toList();

    private MessageHeaders() {
    }

    /**
     * Strips hop-by-hop headers (and those {@code Connection} names) and Netty's HTTP/2 conversion headers;
     * {@code TE: trailers} stays, because gRPC needs it end to end.
     */
    public static void stripHopByHop(HttpHeaders headers) {
        for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
            for (String name : connection.split(",")) {
                String trimmed = name.trim();
                if (!trimmed.isEmpty()) {
                    headers.remove(trimmed);
                }
            }
        }
        HOP_BY_HOP.forEach(headers::remove);
        List<String> te = headers.getAll(HttpHeaderNames.TE);
        headers.remove(HttpHeaderNames.TE);
        if (te.stream().anyMatch(value -> value.toLowerCase(java.util.Locale.ROOT).contains("trailers"))) {
            headers.set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
        }
        CONVERSION.forEach(headers::remove);
    }

    public static boolean isGrpc(HttpHeaders headers) {
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        return type != null && type.startsWith("application/grpc");
    }
}
