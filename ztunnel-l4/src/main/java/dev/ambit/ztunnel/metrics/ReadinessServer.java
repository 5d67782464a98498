package dev.ambit.ztunnel.metrics;

import dev.ambit.ztunnel.transport.Listener;
import dev.ambit.ztunnel.transport.Transport;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * Readiness probe ({@code GET /healthz/ready}, :15021): 200 while the tunnel takes traffic, 503 before its
 * certificates are in place and once it drains. Small requests only, and a short read timeout.
 */
public final class ReadinessServer {

    public static final String PATH = "/healthz/ready";
    private static final int MAX_REQUEST_LINE_AND_HEADERS = 8192;
    private static final int READ_TIMEOUT_SECONDS = 10;
    /** Probes come from the kubelet, one at a time. */
    private static final int MAX_CONNECTIONS = 32;

    private ReadinessServer() {
    }

    public static Listener bind(Transport transport, EventLoopGroup group, InetSocketAddress address,
            BooleanSupplier ready) {
        return Listener.bind("readiness", transport.serverBootstrap(group).childOption(ChannelOption.AUTO_READ, true),
                address, MAX_CONNECTIONS, ConnectionFailures.IGNORE,
                channel -> channel.pipeline().addLast(
                        new ReadTimeoutHandler(READ_TIMEOUT_SECONDS),
                        new HttpServerCodec(MAX_REQUEST_LINE_AND_HEADERS, MAX_REQUEST_LINE_AND_HEADERS,
                                MAX_REQUEST_LINE_AND_HEADERS),
                        new HttpObjectAggregator(0),
                        new Probe(ready)));
    }

    private static final class Probe extends SimpleChannelInboundHandler<FullHttpRequest> {

        private final BooleanSupplier ready;

        Probe(BooleanSupplier ready) {
            this.ready = ready;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            HttpResponseStatus status = !PATH.equals(request.uri()) ? HttpResponseStatus.NOT_FOUND
                    : ready.getAsBoolean() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE;
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(status.reasonPhrase() + "\n", StandardCharsets.US_ASCII));
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
