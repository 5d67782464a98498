package dev.ambit.control.tls;

import dev.ambit.api.identity.SpiffeCertificates;
import dev.ambit.api.identity.SpiffeId;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Puts the SPIFFE identity of the call's mTLS peer into the gRPC context. The chain was verified against the trust
 * bundle during the handshake ({@link dev.ambit.api.identity.SpiffeTrustManager}); this only reads the identity out of it.
 */
public final class PeerIdentityInterceptor implements ServerInterceptor {

    private static final Context.Key<SpiffeId> PEER = Context.key("ambit-peer-identity");

    /** The calling peer's identity; empty on a plaintext (loopback test) server. */
    public static Optional<SpiffeId> current() {
        return Optional.ofNullable(PEER.get());
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
        if (session == null) {
            return next.startCall(call, headers);
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            SpiffeId identity = SpiffeCertificates.identityOf((X509Certificate) chain[0]);
            return Contexts.interceptCall(Context.current().withValue(PEER, identity), call, headers, next);
        } catch (SSLPeerUnverifiedException e) {
            // Server-auth-only ports (the CA) have callers without certificates: nothing to record.
            return next.startCall(call, headers);
        }
    }
}
