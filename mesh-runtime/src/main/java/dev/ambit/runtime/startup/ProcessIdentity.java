package dev.ambit.runtime.startup;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.tls.CertManager;
import dev.ambit.runtime.tls.WorkloadCertificate;
import java.util.Optional;

/**
 * The identity a mesh process has been issued a certificate for, and the manager that keeps it renewed. Only
 * {@link MeshStartup#awaitIdentity} makes one, so a process cannot open its config stream before it has one.
 */
public final class ProcessIdentity {

    private final SpiffeId id;
    private final CertManager certificates;

    ProcessIdentity(SpiffeId id, CertManager certificates) {
        this.id = id;
        this.certificates = certificates;
    }

    public SpiffeId id() {
        return id;
    }

    public CertManager certificates() {
        return certificates;
    }

    /** The current certificate: read at each handshake, so a renewed one applies on the next connection. */
    public Optional<WorkloadCertificate> certificate() {
        return certificates.certificate(id);
    }

    @Override
    public String toString() {
        return id.toString();
    }
}
