package dev.ambit.waypoint.inbound;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * How the response to one HTTP/1.x request is framed, whatever protocol the backend spoke: Content-Length when the
 * length is known, else chunked (or, for an HTTP/1.0 client, the close that ends the body), and whether the
 * connection stays open after it.
 */
final class Http1ResponseFraming {

    private final boolean http10;
    /** The answer to HEAD has no body, whatever its Content-Length says. */
    private final boolean headRequest;
    private boolean keepAlive;

    Http1ResponseFraming(HttpRequest request) {
        this.http10 = request.protocolVersion().equals(HttpVersion.HTTP_1_0);
        this.headRequest = request.method().equals(HttpMethod.HEAD);
        this.keepAlive = HttpUtil.isKeepAlive(request);
    }

    boolean http10() {
        return http10;
    }

    /** Whether the connection may carry another request; false once a response is framed by the close. */
    boolean keepAlive() {
        return keepAlive;
    }

    /** @param inputShutdown the client ended its side: this response is the connection's last */
    void frame(HttpResponse response, boolean inputShutdown) {
        int code = response.status().code();
        boolean mayHaveBody = !headRequest && code != 204 && code != 304
                && response.status().codeClass() != HttpStatusClass.INFORMATIONAL;
        if (response instanceof FullHttpResponse full && !HttpUtil.isContentLengthSet(full)) {
            if (mayHaveBody) {
                HttpUtil.setContentLength(full, full.content().readableBytes());
            }
        } else if (mayHaveBody && !HttpUtil.isContentLengthSet(response)) {
            if (http10) {
                keepAlive = false;
            } else {
                HttpUtil.setTransferEncodingChunked(response, true);
            }
        }
        if (!keepAlive || inputShutdown) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        response.setProtocolVersion(HttpVersion.HTTP_1_1);
    }
}
