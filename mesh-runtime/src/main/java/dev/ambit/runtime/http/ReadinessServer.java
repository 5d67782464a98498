package dev.ambit.runtime.http;

import dev.ambit.runtime.transport.Listener;
import dev.ambit.runtime.transport.Transport;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;
import java.util.function.BooleanSupplier;

/**
 * Readiness probe ({@code GET /healthz/ready}, :15021): 200 while the tunnel takes traffic, 503 before its
 * certificates are in place and once it drains. Small requests only, and a short read timeout.
 */
public final class ReadinessServer {

    public static final String PATH = "/healthz/ready";
    /** Probes come from the kubelet, one at a time. */
    private static final int MAX_CONNECTIONS = 32;

    private ReadinessServer() {
    }

    public static Listener bind(Transport transport, EventLoopGroup group, InetSocketAddress address,
            BooleanSupplier ready) {
        return SmallHttpListener.bind("readiness", transport, group, address, MAX_CONNECTIONS, () -> new Probe(ready));
    }

    private static final class Probe extends SimpleChannelInboundHandler<FullHttpRequest> {

        private final BooleanSupplier ready;

        Probe(BooleanSupplier ready) {
            this.ready = ready;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            HttpResponseStatus status = request.decoderResult().isFailure()
                    ? HttpReplies.refusalOf(request.decoderResult())
                    : !PATH.equals(request.uri()) ? HttpResponseStatus.NOT_FOUND
                    : ready.getAsBoolean() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE;
            HttpReplies.send(ctx, HttpReplies.text(ctx.alloc(), status), false);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
