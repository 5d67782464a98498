package dev.ambit.runtime.testing;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.tls.TlsContextFactory;
import dev.ambit.runtime.tls.TlsContextSource;
import dev.ambit.runtime.tls.WorkloadCertificate;
import io.netty.handler.ssl.SslContext;

/**
 * One fixed certificate, presented whatever identity a client asks for: what a spoofing or misconfigured server
 * does, and a client with a chosen (expired, foreign) certificate.
 */
public final class StaticTlsContexts implements TlsContextSource {

    private final SpiffeId identity;
    private final SslContext server;
    private final SslContext client;

    public StaticTlsContexts(TlsContextFactory factory, WorkloadCertificate certificate) {
        this.identity = certificate.identity();
        this.server = factory.server(certificate);
        this.client = factory.client(certificate);
    }

    @Override
    public SslContext serverContext(String serverName) {
        return server;
    }

    @Override
    public SslContext clientContext(SpiffeId source) {
        return source.equals(identity) ? client : null;
    }
}
