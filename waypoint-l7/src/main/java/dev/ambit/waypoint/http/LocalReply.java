package dev.ambit.waypoint.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * A response the waypoint makes itself (denials, timeouts, redirects, faults): a one-line plain-text body saying why.
 * A gRPC client gets HTTP 200 with the matching {@code grpc-status} and {@code grpc-message} instead, as gRPC
 * requires.
 */
public final class LocalReply {

    private LocalReply() {
    }

    public static FullHttpResponse of(ByteBufAllocator allocator, HttpResponseStatus status, String reason,
            boolean grpc) {
        if (grpc) {
            return grpc(allocator, grpcStatus(status.code()), reason);
        }
        ByteBuf body = allocator.buffer().writeBytes((reason + "\n").getBytes(StandardCharsets.UTF_8));
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        return response;
    }

    /** A trailers-only gRPC response. */
    public static FullHttpResponse grpc(ByteBufAllocator allocator, int grpcStatus, String message) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                allocator.buffer(0));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "application/grpc")
                .setInt("grpc-status", grpcStatus)
                .set("grpc-message", message);
        return response;
    }

    /** Envoy's mapping of HTTP status to gRPC status. */
    static int grpcStatus(int httpStatus) {
        return switch (httpStatus) {
            case 400 -> 13;
            case 401 -> 16;
            case 403 -> 7;
            case 404 -> 12;
            case 429, 502, 503, 504 -> 14;
            default -> 2;
        };
    }
}
