package dev.ambit.runtime.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpContentException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * How the small HTTP listeners answer: a status line as plain text, a streamed body, and sending with or without
 * keep-alive.
 */
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
     * 200 with {@code content} as a body of {@code contentType}, in heap memory: pages are rare, may be large, and
     * direct memory is the data path's.
     */
    public static FullHttpResponse bytes(ByteBufAllocator alloc, CharSequence contentType, byte[] content) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                alloc.heapBuffer(content.length).writeBytes(content));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        return response;
    }

    /** What writes a response body; it may fail. */
    @FunctionalInterface
    public interface BodyWriter {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * 200 with the body {@code writer} streams, of {@code contentType}; 500 when it fails, once {@code failed} has
     * logged why. In heap memory: such pages are rare and may be large, and direct memory is the data path's.
     */
    public static FullHttpResponse streamed(ByteBufAllocator alloc, CharSequence contentType, BodyWriter writer,
            Consumer<Exception> failed) {
        ByteBuf body = alloc.heapBuffer();
        boolean written = false;
        try (OutputStream out = new ByteBufOutputStream(body)) {
            writer.writeTo(out);
            written = true;
        } catch (IOException | RuntimeException e) {
            failed.accept(e);
        } finally {
            if (!written) {
                body.release();
            }
        }
        if (!written) {
            return text(alloc, HttpResponseStatus.INTERNAL_SERVER_ERROR);
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        return response;
    }

    /** 405 naming GET as the method allowed. */
    public static FullHttpResponse onlyGet(ByteBufAllocator alloc) {
        FullHttpResponse refusal = text(alloc, HttpResponseStatus.METHOD_NOT_ALLOWED);
        refusal.headers().set(HttpHeaderNames.ALLOW, HttpMethod.GET.name());
        return refusal;
    }

    /**
     * Sends {@code response} on the channel's event loop; closes the connection after it unless {@code keepAlive}.
     * Releases it when the client has gone meanwhile, and then returns null instead of the write's future.
     */
    public static ChannelFuture send(ChannelHandlerContext ctx, FullHttpResponse response, boolean keepAlive) {
        if (!ctx.channel().isActive()) {
            response.release();
            return null;
        }
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            return ctx.writeAndFlush(response);
        }
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        return ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    /** How a request the codec could not take is refused: 413 for a body (none is accepted), else 400. */
    public static HttpResponseStatus refusalOf(DecoderResult result) {
        return result.cause() instanceof TooLongHttpContentException
                ? HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE : HttpResponseStatus.BAD_REQUEST;
    }
}
