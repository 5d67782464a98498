package dev.ambit.runtime.hbone;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.concurrent.Promise;
import javax.net.ssl.SSLHandshakeException;

/**
 * Waits for the client side of the TLS handshake (where the SpiffeTrustManager checked the server's identity) and for
 * ALPN {@code h2}; completes {@code handshake} either way. Nothing but the handshake is sent before the identity is
 * known to be the expected one.
 */
final class ClientHandshakeHandler extends ChannelInboundHandlerAdapter {

    private final Promise<Void> handshake;

    ClientHandshakeHandler(Promise<Void> handshake) {
        this.handshake = handshake;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof SslHandshakeCompletionEvent completion)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (!completion.isSuccess()) {
            fail(ctx, completion.cause());
        } else if (!ApplicationProtocolNames.HTTP_2.equals(
                ctx.pipeline().get(SslHandler.class).applicationProtocol())) {
            fail(ctx, new SSLHandshakeException("server did not negotiate ALPN h2"));
        } else {
            ctx.pipeline().remove(this);
            handshake.trySuccess(null);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        handshake.tryFailure(new SSLHandshakeException("connection closed during the TLS handshake"));
        ctx.fireChannelInactive();
    }

    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        handshake.tryFailure(cause);
        ctx.close();
    }
}
