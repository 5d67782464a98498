package dev.ambit.bench.topology;

import dev.ambit.control.ca.MeshCa;
import dev.ambit.runtime.tls.CertManager;
import dev.ambit.runtime.tls.TlsContextFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * The CA every bench process signs with: the ECDSA P-256 root bench/run generates with openssl for stunnel and
 * HAProxy too, so all peers do the same handshake work. Leaves are issued in-process (no CA round trip), as the
 * measured paths do not include issuance.
 */
public final class MeshCertificates {

    private static final Duration LEAF_TTL = Duration.ofHours(24);

    private MeshCertificates() {
    }

    public static MeshCa ca(CommandLine args) {
        return MeshCa.fromFiles("cluster.local", args.path("ca-cert"), args.path("ca-key"), LEAF_TTL);
    }

    public static CertManager certManager(MeshCa ca) {
        return new CertManager(new LocalCertificateAuthorityClient(ca), ca.trustBundle(),
                new TlsContextFactory(ca.trustBundle(), Clock.systemUTC()), LEAF_TTL, Clock.systemUTC());
    }
}
