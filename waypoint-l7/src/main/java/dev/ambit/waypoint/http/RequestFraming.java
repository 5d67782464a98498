package dev.ambit.waypoint.http;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;

/**
 * Checks the framing headers of a decoded HTTP/1.x request beyond what the decoder does: anything a next hop could
 * read differently is refused rather than repaired.
 */
public final class RequestFraming {

    private RequestFraming() {
    }

    /** @return why the request is refused, or null when its framing is unambiguous */
    public static String violation(HttpRequest request) {
        List<String> encodings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!encodings.isEmpty()) {
            if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                return "Transfer-Encoding in an HTTP/1.0 request";
            }
            if (encodings.size() != 1 || !HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(encodings.get(0).trim())) {
                return "unsupported Transfer-Encoding";
            }
            if (request.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
                return "both Content-Length and Transfer-Encoding";
            }
        }
        if (request.headers().getAll(HttpHeaderNames.CONTENT_LENGTH).size() > 1) {
            return "more than one Content-Length";
        }
        int hosts = request.headers().getAll(HttpHeaderNames.HOST).size();
        if (hosts > 1 || (hosts == 0 && request.protocolVersion().equals(HttpVersion.HTTP_1_1))) {
            return "an HTTP/1.1 request needs exactly one Host";
        }
        return null;
    }
}
