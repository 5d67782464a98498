package dev.ambit.bench.topology;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.control.ca.MeshCa;
import dev.ambit.runtime.tls.CertificateAuthorityClient;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Signs with a {@link MeshCa} in the same process, trusting the caller with whatever identity it asks for: the bench's
 * nodes share one CA from files, and never cross a trust boundary. Data planes in the mesh ask the controller.
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
