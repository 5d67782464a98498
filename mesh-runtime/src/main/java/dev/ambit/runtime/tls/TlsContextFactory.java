package dev.ambit.runtime.tls;

import dev.ambit.api.identity.SpiffeTrustManager;
import dev.ambit.api.identity.TrustBundle;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the HBONE TLS contexts: TLS 1.3 only, ALPN {@code h2}, mutual authentication against the mesh trust bundle.
 * BoringSSL (netty-tcnative) when it loads, the JDK otherwise.
 */
public final class TlsContextFactory {

    private static final Logger log = LoggerFactory.getLogger(TlsContextFactory.class);

    static final String TLS_1_3 = "TLSv1.3";
    /**
     * Resumed sessions skip certificate checks, so a session must not outlive the certificates it was made with:
     * leaves live hours, sessions minutes.
     */
    static final Duration SESSION_TIMEOUT = Duration.ofMinutes(5);

    private static final ApplicationProtocolConfig ALPN_H2 = new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2);

    private final SslProvider provider;
    private final SpiffeTrustManager trustManager;

    public TlsContextFactory(TrustBundle bundle, Clock clock) {
        this(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK, bundle, clock);
    }

    public TlsContextFactory(SslProvider provider, TrustBundle bundle, Clock clock) {
        this.provider = provider;
        // The client names the identity it expects through the server name (ServerNames); the server must be it.
        this.trustManager = SpiffeTrustManager.forServers(bundle, clock, (presented, engine) -> {
            if (!ServerNames.of(presented).equals(engine.getPeerHost())) {
                throw new IdentityMismatchException(presented, engine.getPeerHost());
            }
        });
        log.info("event=tls_provider_selected provider={} trust_domain={} openssl_unavailable=\"{}\"", provider,
                bundle.trustDomain(), OpenSsl.isAvailable() ? "" : String.valueOf(OpenSsl.unavailabilityCause()));
    }

    public SslProvider provider() {
        return provider;
    }

    public SslContext server(WorkloadCertificate certificate) {
        return build(SslContextBuilder.forServer(keyManagers(certificate)).clientAuth(ClientAuth.REQUIRE),
                certificate);
    }

    public SslContext client(WorkloadCertificate certificate) {
        return build(SslContextBuilder.forClient()
                .keyManager(keyManagers(certificate))
                // The peer's SPIFFE ID is checked by SpiffeTrustManager; there is no DNS name to verify.
                .endpointIdentificationAlgorithm(null), certificate);
    }

    /**
     * The certificate's key managers, without a key store ({@link CertificateKeyManager} says why). BoringSSL takes
     * the key and chain in its own form: the caching factory converts them at the context's first handshake and
     * keeps the result, as Netty's own factory did, rather than at every handshake.
     */
    private static KeyManagerFactory keyManagers(WorkloadCertificate certificate) {
        return new OpenSslCachingX509KeyManagerFactory(
                new KeyManagerFactoryWrapper(new CertificateKeyManager(certificate)));
    }

    private SslContext build(SslContextBuilder builder, WorkloadCertificate certificate) {
        try {
            return builder
                    .sslProvider(provider)
                    .trustManager(trustManager)
                    .protocols(TLS_1_3)
                    .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(ALPN_H2)
                    .sessionTimeout(SESSION_TIMEOUT.toSeconds())
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build a TLS context for " + certificate.identity() + ": "
                    + e.getMessage(), e);
        }
    }
}
