package dev.ambit.runtime.tls;

import dev.ambit.api.identity.SpiffeId;
import io.netty.handler.ssl.SslContext;

/**
 * The TLS contexts of the identities a tunnel holds. Each call returns the current generation; connections keep the
 * context they started with, so a rotation never disturbs them.
 */
public interface TlsContextSource {

    /** The server context for the identity whose {@link ServerNames server name} is {@code serverName}, or null. */
    SslContext serverContext(String serverName);

    /** The client context that presents {@code source}, or null when that identity is not held. */
    SslContext clientContext(SpiffeId source);
}
