package dev.ambit.api.identity;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Verifies TLS peers against the mesh trust bundle. Every peer must present a valid chain to a root with a SPIFFE
 * identity of the trust domain; a <em>server</em> must in addition be the identity the client expects, which each
 * use decides through a {@link ServerIdentityCheck}. Host name verification plays no part: SVIDs carry a URI SAN and
 * no DNS name, so TLS clients must turn endpoint identification off and rely on this.
 */
public final class SpiffeTrustManager extends X509ExtendedTrustManager {

    /** Decides whether the server that presented {@code identity} on {@code engine} is the one the client wanted. */
    @FunctionalInterface
    public interface ServerIdentityCheck {
        void check(SpiffeId presented, SSLEngine engine) throws CertificateException;
    }

    private final TrustBundle bundle;
    private final Clock clock;
    private final ServerIdentityCheck serverCheck;

    private SpiffeTrustManager(TrustBundle bundle, Clock clock, ServerIdentityCheck serverCheck) {
        this.bundle = bundle;
        this.clock = clock;
        this.serverCheck = serverCheck;
    }

    /**
     * For servers: any client of the trust domain is accepted (what it may do is authorization's business);
     * used as a client it refuses every server.
     */
    public static SpiffeTrustManager forClients(TrustBundle bundle, Clock clock) {
        return new SpiffeTrustManager(bundle, clock, (presented, engine) -> {
            throw new CertificateException("this trust manager verifies clients only; " + presented
                    + " was presented as a server");
        });
    }

    /** For clients of one known server, e.g. a node agent talking to the controller. */
    public static SpiffeTrustManager forServer(TrustBundle bundle, Clock clock, SpiffeId expected) {
        return forServers(bundle, clock, (presented, engine) -> {
            if (!presented.equals(expected)) {
                throw new CertificateException("server presented " + presented + " but " + expected + " was expected");
            }
        });
    }

    /** For clients that name the server they expect per connection, e.g. through the engine's server name. */
    public static SpiffeTrustManager forServers(TrustBundle bundle, Clock clock, ServerIdentityCheck check) {
        return new SpiffeTrustManager(bundle, clock, check);
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
        serverCheck.check(verify(chain), engine);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("mesh TLS runs on SSLEngines; a plain socket carries no expected identity");
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
