package dev.ambit.control.tls;

import dev.ambit.api.identity.CertificateVerificationException;
import dev.ambit.api.identity.TrustBundle;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies the clients of the config port against the mesh trust bundle: a valid chain to the root with a SPIFFE
 * identity of the trust domain. Which identity may stream which config is decided per stream; host names play no
 * part, SPIFFE certificates have none.
 */
final class SpiffePeerVerifier extends X509ExtendedTrustManager {

    private final TrustBundle bundle;
    private final Clock clock;

    SpiffePeerVerifier(TrustBundle bundle, Clock clock) {
        this.bundle = bundle;
        this.clock = clock;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        verify(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("the controller only verifies clients");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("the controller only verifies clients");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the controller only verifies clients");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return bundle.roots().toArray(new X509Certificate[0]);
    }

    private void verify(X509Certificate[] chain) throws CertificateException {
        try {
            bundle.verify(chain == null ? null : Arrays.asList(chain), clock.instant());
        } catch (CertificateVerificationException e) {
            throw new CertificateException(e.getMessage(), e);
        }
    }
}
