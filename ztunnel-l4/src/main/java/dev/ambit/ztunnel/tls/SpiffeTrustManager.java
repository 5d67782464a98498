package dev.ambit.ztunnel.tls;

import dev.ambit.api.identity.CertificateVerificationException;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.identity.TrustBundle;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies peers against the mesh trust bundle. Clients are accepted with any identity of the trust domain (what
 * they may do is authorization's business); a server must also present the identity the client expects, which the
 * client names through the TLS server name ({@link ServerNames}) of its engine. Host name verification plays no
 * part: SVIDs carry a URI SAN, no DNS name.
 */
final class SpiffeTrustManager extends X509ExtendedTrustManager {

    private final TrustBundle bundle;
    private final Clock clock;

    SpiffeTrustManager(TrustBundle bundle, Clock clock) {
        this.bundle = bundle;
        this.clock = clock;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        SpiffeId presented = verify(chain);
        String expected = engine.getPeerHost();
        if (!ServerNames.of(presented).equals(expected)) {
            throw new IdentityMismatchException(presented, expected);
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("HBONE clients run on SSLEngines; a socket has no expected identity");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a server's identity can only be checked against an expected one");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return bundle.roots().toArray(new X509Certificate[0]);
    }

    private SpiffeId verify(X509Certificate[] chain) throws CertificateException {
        try {
            return bundle.verify(chain == null ? null : Arrays.asList(chain), clock.instant());
        } catch (CertificateVerificationException e) {
            throw new CertificateException(e.getMessage(), e);
        }
    }
}
