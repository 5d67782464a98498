package dev.ambit.waypoint.inbound;

import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;

/** The answer to a request the decoder could not parse: its status, and a reason that names the limit it broke. */
final class MalformedRequests {

    private MalformedRequests() {
    }

    static HttpResponseStatus status(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        return cause instanceof TooLongFrameException ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE
                : HttpResponseStatus.BAD_REQUEST;
    }

    static String reason(Throwable cause) {
        if (cause instanceof TooLongHttpHeaderException) {
            return "request headers are too large";
        }
        if (cause instanceof TooLongHttpLineException) {
            return "request line is too long";
        }
        return "malformed request: " + (cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getMessage());
    }
}
