package dev.ambit.ztunnel.admin;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.ambit.runtime.http.HttpReplies;
import dev.ambit.runtime.http.RenderingHttpListener;
import dev.ambit.runtime.http.ResponseRenderer;
import dev.ambit.runtime.transport.Transport;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
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
                HttpResponseStatus refusal = HttpReplies.refusalOf(request.decoderResult());
                log.info("event=admin_request_rejected remote={} reason={} error=\"{}\"",
                        ctx.channel().remoteAddress(), refusal.code() == 413 ? "body" : "malformed",
                        request.decoderResult().cause().toString());
                renderer.refuse(ctx, refusal);
                return;
            }
            if (!namesLoopback(request.headers().get(HttpHeaderNames.HOST))) {
                // A web page on the node's browser reaching us through a name rebound to 127.0.0.1 (DNS rebinding).
                log.info("event=admin_request_rejected remote={} reason=host_not_loopback",
                        ctx.channel().remoteAddress());
                renderer.refuse(ctx, HttpResponseStatus.FORBIDDEN);
                return;
            }
            String path = new QueryStringDecoder(request.uri()).path();
            Page page = pages.get(path);
            if (page == null && !INDEX.equals(path)) {
                renderer.refuse(ctx, HttpResponseStatus.NOT_FOUND);
                return;
            }
            if (!HttpMethod.GET.equals(request.method())) {
                renderer.reply(ctx, HttpReplies::onlyGet, false);
                return;
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (page == null) {
                renderer.reply(ctx, alloc -> HttpReplies.body(alloc, HttpResponseStatus.OK, index,
                        HttpHeaderValues.TEXT_PLAIN), keepAlive);
                return;
            }
            renderer.reply(ctx, alloc -> render(alloc, page), keepAlive);
        }

        /** No Host (HTTP/1.0), localhost, or a loopback address, with or without a port. */
        static boolean namesLoopback(String host) {
            if (host == null) {
                return true;
            }
            String name = host.strip();
            if (name.startsWith("[")) {
                int end = name.indexOf(']');
                name = end < 0 ? name : name.substring(1, end);
            } else if (name.indexOf(':') == name.lastIndexOf(':') && name.indexOf(':') >= 0) {
                name = name.substring(0, name.indexOf(':'));
            }
            if ("localhost".equalsIgnoreCase(name)) {
                return true;
            }
            byte[] address = NetUtil.createByteArrayFromIpAddressString(name);
            try {
                return address != null && InetAddress.getByAddress(address).isLoopbackAddress();
            } catch (UnknownHostException e) {
                return false;
            }
        }

        private static FullHttpResponse render(ByteBufAllocator alloc, Page page) {
            return HttpReplies.streamed(alloc, HttpHeaderValues.APPLICATION_JSON, out -> {
                try (JsonGenerator json = JSON.createGenerator(out)) {
                    json.useDefaultPrettyPrinter();
                    page.body().write(json);
                    json.writeRaw('\n');
                }
            }, e -> log.warn("event=admin_page_failed path={} error=\"{}\"", page.path(), e.toString()));
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
