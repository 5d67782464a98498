package dev.ambit.waypoint.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.AsciiString;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Removes what belongs to one hop only before a message is forwarded to the next. */
public final class MessageHeaders {

    private static final AsciiString[] HOP_BY_HOP = {HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
        HttpHeaderNames.PROXY_CONNECTION, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE,
        HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION};

    /** Netty's {@code x-http2-*} conversion headers: meaningful inside one process only. */
    private static final AsciiString[] CONVERSION = Arrays.stream(HttpConversionUtil.ExtensionHeaderNames.values())
            .map(HttpConversionUtil.ExtensionHeaderNames::text).toArray(AsciiString[]::new);

    private MessageHeaders() {
    }

    /**
     * Strips hop-by-hop headers (and those {@code Connection} names) and Netty's HTTP/2 conversion headers;
     * {@code TE: trailers} stays, because gRPC needs it end to end. Runs twice per request: the names are
     * {@link AsciiString}s (hashed once), and headers that are absent cost a lookup, not a list.
     */
    public static void stripHopByHop(HttpHeaders headers) {
        if (headers.contains(HttpHeaderNames.CONNECTION)) {
            for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
                for (String name : connection.split(",")) {
                    String trimmed = name.trim();
                    if (!trimmed.isEmpty()) {
                        headers.remove(trimmed);
                    }
                }
            }
        }
        for (AsciiString name : HOP_BY_HOP) {
            headers.remove(name);
        }
        if (headers.contains(HttpHeaderNames.TE)) {
            List<String> te = headers.getAll(HttpHeaderNames.TE);
            headers.remove(HttpHeaderNames.TE);
            if (te.stream().anyMatch(value -> value.toLowerCase(Locale.ROOT).contains("trailers"))) {
                headers.set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
            }
        }
        for (AsciiString name : CONVERSION) {
            headers.remove(name);
        }
    }

    public static boolean isGrpc(HttpHeaders headers) {
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        return type != null && type.startsWith("application/grpc");
    }
}
