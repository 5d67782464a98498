package dev.ambit.runtime.hbone;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.transport.ConnectionFailures;
import dev.ambit.runtime.transport.FailureReason;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of every server stream: reads the request headers, checks they are an HBONE CONNECT ({@code :method
 * CONNECT}, an IP:port {@code :authority}, no {@code :path}/{@code :scheme}/{@code :protocol}) and hands the stream to
 * the acceptor; anything else is answered 400.
 */
final class ServerStreamHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ServerStreamHandler.class);

    private final SpiffeId peer;
    private final HboneStreamAcceptor acceptor;
    private final IdleConnectionTimer idle;
    private final ConnectionFailures failures;

    ServerStreamHandler(SpiffeId peer, HboneStreamAcceptor acceptor, IdleConnectionTimer idle,
            ConnectionFailures failures) {
        this.peer = peer;
        this.acceptor = acceptor;
        this.idle = idle;
        this.failures = failures;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        idle.streamOpened();
        ctx.channel().closeFuture().addListener(f -> idle.streamClosed());
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Http2HeadersFrame request)) {
            ReferenceCountUtil.release(msg);
            reject(ctx, "first frame is not HEADERS");
            return;
        }
        Optional<InetSocketAddress> target = connectTarget(request.headers(), request.isEndStream());
        if (target.isEmpty()) {
            reject(ctx, "not an HBONE CONNECT: " + describe(request.headers()));
            return;
        }
        Http2StreamChannel channel = (Http2StreamChannel) ctx.channel();
        ctx.pipeline().replace(this, "hbone-bytes", new StreamByteCodec());
        acceptor.accept(new HboneStream(peer, target.get(), channel));
    }

    /** Where an HBONE CONNECT wants to go; empty when the request is not one (a stream's reading side stays open). */
    static Optional<InetSocketAddress> connectTarget(Http2Headers headers, boolean endStream) {
        if (endStream || !HttpMethod.CONNECT.asciiName().contentEquals(headers.method())
                || headers.path() != null || headers.scheme() != null
                || headers.get(Http2Headers.PseudoHeaderName.PROTOCOL.value()) != null) {
            return Optional.empty();
        }
        return ConnectAuthority.parse(headers.authority());
    }

    private void reject(ChannelHandlerContext ctx, String why) {
        failures.record(FailureReason.BAD_REQUEST);
        log.info("event=hbone_request_rejected peer={} status=400 reason=\"{}\"", peer, why);
        ctx.writeAndFlush(new DefaultHttp2HeadersFrame(
                new DefaultHttp2Headers().status(HttpResponseStatus.BAD_REQUEST.codeAsText()), true))
                .addListener(ChannelFutureListener.CLOSE);
    }

    static String describe(Http2Headers headers) {
        return "method=" + headers.method() + " authority=" + headers.authority() + " path=" + headers.path();
    }
}
