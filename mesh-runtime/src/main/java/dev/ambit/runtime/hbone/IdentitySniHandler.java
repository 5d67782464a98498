package dev.ambit.runtime.hbone;

import dev.ambit.runtime.tls.TlsContextSource;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;

/**
 * Picks the server certificate by the server name the client sent: the identity it expects. Unknown or missing
 * names fail the connection. Bounds the ClientHello's size and, with the SslHandler it installs, the whole handshake's
 * duration.
 */
final class IdentitySniHandler extends SniHandler {

    /** Largest ClientHello accepted; real ones are a few hundred bytes, post-quantum key shares a few KiB. */
    private static final int MAX_CLIENT_HELLO = 16 * 1024;

    private final long handshakeTimeoutMillis;

    IdentitySniHandler(TlsContextSource contexts, Duration handshakeTimeout) {
        super((serverName, promise) -> {
            SslContext context = contexts.serverContext(serverName);
            return context == null ? promise.setFailure(new UnknownServerNameException(serverName))
                    : promise.setSuccess(context);
        }, MAX_CLIENT_HELLO, handshakeTimeout.toMillis());
        this.handshakeTimeoutMillis = handshakeTimeout.toMillis();
    }

    @Override
    protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
        SslHandler handler = super.newSslHandler(context, allocator);
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        return handler;
    }
}
