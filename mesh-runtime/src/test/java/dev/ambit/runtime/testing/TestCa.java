package dev.ambit.runtime.testing;

import dev.ambit.api.ca.MeshCa;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.identity.TrustBundle;
import dev.ambit.api.identity.WorkloadKeys;
import dev.ambit.runtime.tls.LocalCertificateAuthorityClient;
import dev.ambit.runtime.tls.WorkloadCertificate;
import java.security.KeyPair;
import java.time.Duration;

/** A mesh CA for tests, with a clock they can move. */
public final class TestCa {

    public static final String TRUST_DOMAIN = "cluster.local";

    private final MutableClock clock = new MutableClock();
    private final MeshCa ca = MeshCa.selfSigned(TRUST_DOMAIN, Duration.ofDays(10), Duration.ofDays(1), clock);

    public TrustBundle trustBundle() {
        return ca.trustBundle();
    }

    public LocalCertificateAuthorityClient client() {
        return new LocalCertificateAuthorityClient(ca);
    }

    public MutableClock clock() {
        return clock;
    }

    public WorkloadCertificate issue(SpiffeId identity, Duration ttl) {
        KeyPair keys = WorkloadKeys.generate();
        return new WorkloadCertificate(identity, keys.getPrivate(),
                ca.issue(WorkloadKeys.certificateRequestPem(keys, identity), identity, ttl).chain());
    }

    /** A certificate that expired an hour ago. */
    public WorkloadCertificate issueExpired(SpiffeId identity) {
        clock.shift(Duration.ofHours(-3));
        try {
            return issue(identity, Duration.ofHours(2));
        } finally {
            clock.reset();
        }
    }

    public static SpiffeId identity(String namespace, String serviceAccount) {
        return SpiffeId.of(TRUST_DOMAIN, namespace, serviceAccount);
    }
}
