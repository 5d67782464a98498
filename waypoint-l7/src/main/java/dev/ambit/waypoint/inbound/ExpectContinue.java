package dev.ambit.waypoint.inbound;

import dev.ambit.waypoint.http.HttpLimits;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.buffer.Unpooled;

/**
 * Answers {@code Expect: 100-continue} at the waypoint, refusing up front a body announced larger than the limit;
 * the header is not forwarded, so backends never send 100 themselves.
 */
final class ExpectContinue extends HttpServerExpectContinueHandler {

    private final long maxBody;

    ExpectContinue(HttpLimits limits) {
        this.maxBody = limits.maxRequestBodyBytes();
    }

    @Override
    protected HttpResponse acceptMessage(HttpRequest request) {
        if (HttpUtil.getContentLength(request, 0L) > maxBody) {
            return null;
        }
        return super.acceptMessage(request);
    }

    @Override
    protected HttpResponse rejectResponse(HttpRequest request) {
        DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, Unpooled.EMPTY_BUFFER);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }
}
