package dev.ambit.runtime.tls;

import dev.ambit.api.ca.MeshCa;
import dev.ambit.api.identity.SpiffeId;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Signs with a {@link MeshCa} in the same process, trusting the caller with whatever identity it asks for: for tests
 * and for a single-process local mode, never across a trust boundary.
 */
public final class LocalCertificateAuthorityClient implements CertificateAuthorityClient {

    private final MeshCa ca;

    public LocalCertificateAuthorityClient(MeshCa ca) {
        this.ca = ca;
    }

    @Override
    public CompletableFuture<List<X509Certificate>> sign(SpiffeId identity, String csrPem, Duration ttl) {
        try {
            return CompletableFuture.completedFuture(ca.issue(csrPem, identity, ttl).chain());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
