package dev.ambit.ztunnel.http;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** How the small HTTP listeners answer: a status line as plain text, and sending with or without keep-alive. */
public final class HttpReplies {

    private HttpReplies() {
    }

    /** {@code status} with its reason phrase as the body, e.g. "Not Found". */
    public static FullHttpResponse text(ByteBufAllocator alloc, HttpResponseStatus status) {
        return body(alloc, status, status.reasonPhrase() + "\n", HttpHeaderValues.TEXT_PLAIN);
    }

    /** {@code status} with {@code content} (UTF-8) as a body of {@code contentType}. */
    public static FullHttpResponse body(ByteBufAllocator alloc, HttpResponseStatus status, String content,
            CharSequence contentType) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                alloc.buffer().writeBytes(content.getBytes(StandardCharsets.UTF_8)));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        return response;
    }

    /**
     * Sends {@code response} on the channel's event loop; closes the connection after it unless {@code keepAlive}.
     * Releases it when the client has gone meanwhile.
     */
    public static void send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        if (!ctx.channel().isActive()) {
            response.release();
            return;
        }
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
