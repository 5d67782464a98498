package dev.ambit.runtime.tls;

import dev.ambit.api.identity.SpiffeId;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Gets certificate requests signed by the mesh CA. */
public interface CertificateAuthorityClient {

    /**
     * Asks for {@code csrPem} to be signed for {@code identity}, valid for {@code ttl} (the CA may shorten it). The
     * CA decides from the caller's credentials whether it may have that identity. Completes with the chain, leaf
     * first, or fails with the CA's reason.
     */
    CompletableFuture<List<X509Certificate>> sign(SpiffeId identity, String csrPem, Duration ttl);
}
