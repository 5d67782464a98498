package dev.ambit.ztunnel.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.ambit.ztunnel.http.HttpReplies;
import dev.ambit.ztunnel.http.RenderingHttpListener;
import dev.ambit.ztunnel.http.ResponseRenderer;
import dev.ambit.ztunnel.transport.Transport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tunnel's admin endpoint (:15000): read-only JSON pages for a person debugging a node ({@code GET /} lists
 * them). It binds to loopback only, refusing any other address, because what it shows (the mesh's workloads and
 * policies, who talks to whom) is for the node's operator, reached through {@code kubectl port-forward} or
 * {@code nsenter}. Pages are written off the event loops on one thread: a config dump reads the whole config.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    public static final String INDEX = "/";
    /** A person with curl, a script or two. */
    private static final int MAX_CONNECTIONS = 8;
    private static final JsonFactory JSON = new JsonFactory();

    /** A page at {@code path}: {@code body} written as the response, {@code description} shown on the index. */
    public record Page(String path, String description, JsonSection body) {
    }

    private final RenderingHttpListener listener;

    private AdminServer(RenderingHttpListener listener) {
        this.listener = listener;
    }

    /** @throws IllegalArgumentException if {@code address} is not a loopback address */
    public static AdminServer bind(Transport transport, EventLoopGroup group, InetSocketAddress address,
            List<Page> pages) {
        if (address.getAddress() == null || !address.getAddress().isLoopbackAddress()) {
            throw new IllegalArgumentException("the admin endpoint binds to loopback only, not " + address);
        }
        Map<String, Page> byPath = new LinkedHashMap<>();
        pages.forEach(page -> byPath.put(page.path(), page));
        String index = index(pages);
        return new AdminServer(RenderingHttpListener.bind("admin", transport, group, address, MAX_CONNECTIONS,
                renderer -> new Requests(byPath, index, renderer)));
    }

    public InetSocketAddress address() {
        return listener.address();
    }

    @Override
    public void close() {
        listener.close();
    }

    private static String index(List<Page> pages) {
        StringBuilder text = new StringBuilder("Ambit node tunnel admin (GET only)\n");
        pages.forEach(page -> text.append(String.format("  %-14s %s%n", page.path(), page.description())));
        return text.toString();
    }

    private static final class Requests extends SimpleChannelInboundHandler<FullHttpRequest> {

        private final Map<String, Page> pages;
        private final String index;
        private final ResponseRenderer renderer;

        Requests(Map<String, Page> pages, String index, ResponseRenderer renderer) {
            this.pages = pages;
            this.index = index;
            this.renderer = renderer;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            if (request.decoderResult().isFailure()) {
                log.info("event=admin_request_rejected remote={} reason=malformed error=\"{}\"",
                        ctx.channel().remoteAddress(), request.decoderResult().cause().toString());
                HttpReplies.send(ctx, HttpReplies.text(ctx.alloc(), HttpResponseStatus.BAD_REQUEST), false);
                return;
            }
            String path = new QueryStringDecoder(request.uri()).path();
            Page page = pages.get(path);
            if (page == null && !INDEX.equals(path)) {
                HttpReplies.send(ctx, HttpReplies.text(ctx.alloc(), HttpResponseStatus.NOT_FOUND), false);
                return;
            }
            if (!HttpMethod.GET.equals(request.method())) {
                FullHttpResponse refusal = HttpReplies.text(ctx.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED);
                refusal.headers().set(HttpHeaderNames.ALLOW, HttpMethod.GET.name());
                HttpReplies.send(ctx, refusal, false);
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (page == null) {
                HttpReplies.send(ctx, HttpReplies.body(ctx.alloc(), HttpResponseStatus.OK, index,
                        HttpHeaderValues.TEXT_PLAIN), keepAlive);
                return;
            }
            renderer.render(ctx, c -> render(c, page), keepAlive);
        }

        private static FullHttpResponse render(ChannelHandlerContext ctx, Page page) {
            ByteBuf body = ctx.alloc().buffer();
            try (JsonGenerator json = JSON.createGenerator((OutputStream) new ByteBufOutputStream(body))) {
                json.useDefaultPrettyPrinter();
                page.body().write(json);
            } catch (IOException | RuntimeException e) {
                body.release();
                log.warn("event=admin_page_failed path={} error=\"{}\"", page.path(), e.toString());
                return HttpReplies.text(ctx.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR);
            }
            body.writeByte('\n');
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            return response;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // An idle client is closed without a word; anything else is worth one line.
            if (!(cause instanceof ReadTimeoutException)) {
                log.info("event=admin_connection_failed remote={} error=\"{}\"", ctx.channel().remoteAddress(),
                        cause.toString());
            }
            ctx.close();
        }
    }
}
