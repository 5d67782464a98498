package dev.ambit.control.tls;

import dev.ambit.api.identity.SpiffeTrustManager;
import dev.ambit.api.identity.TrustBundle;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLException;

/** TLS 1.3 contexts of the controller's gRPC ports, all serving {@link ControllerCertificate}. */
public final class ServerTls {

    /** Resumed sessions skip certificate checks: keep them far shorter than any leaf's lifetime. */
    private static final Duration SESSION_TIMEOUT = Duration.ofMinutes(5);

    private ServerTls() {
    }

    /** The config port: clients must present a certificate of the mesh. */
    public static SslContext mutual(ControllerCertificate certificate, TrustBundle bundle) throws SSLException {
        return builder(certificate).trustManager(SpiffeTrustManager.forClients(bundle, Clock.systemUTC()))
                .clientAuth(ClientAuth.REQUIRE).build();
    }

    /** The CA port: callers have no certificate yet and authenticate with a bearer token instead. */
    public static SslContext serverOnly(ControllerCertificate certificate) throws SSLException {
        return builder(certificate).clientAuth(ClientAuth.NONE).build();
    }

    private static SslContextBuilder builder(ControllerCertificate certificate) {
        return GrpcSslContexts.configure(SslContextBuilder.forServer(certificate.keyManager()), SslProvider.JDK)
                .protocols("TLSv1.3").sessionTimeout(SESSION_TIMEOUT.toSeconds());
    }
}
