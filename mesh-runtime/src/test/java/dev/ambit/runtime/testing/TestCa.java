package dev.ambit.runtime.testing;

import dev.ambit.api.identity.Pem;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.identity.TrustBundle;
import dev.ambit.api.identity.WorkloadKeys;
import dev.ambit.runtime.tls.CertificateAuthorityClient;
import dev.ambit.runtime.tls.WorkloadCertificate;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * A mesh CA for data-plane tests, with a clock they can move: a self-signed root that signs SPIFFE leaves shaped like
 * the controller's ({@code dev.ambit.control.ca.MeshCa}: cA=false, one critical URI SAN, server and client auth).
 *
 * <p>It lives here rather than reusing the controller's CA so that no data-plane module, not even its tests, depends
 * on the control plane. It trusts the caller with any identity and checks no request: refusing requests is the
 * controller's job and is tested there.
 */
public final class TestCa {

    public static final String TRUST_DOMAIN = "cluster.local";
    /** The longest leaf it signs, as the controller caps leaves at its maximum lifetime. */
    private static final Duration MAX_LEAF_TTL = Duration.ofDays(1);
    private static final Duration ROOT_TTL = Duration.ofDays(10);
    /** Back-dating of notBefore, as the controller does, so a fresh leaf is valid at once. */
    private static final Duration CLOCK_SKEW_ALLOWANCE = Duration.ofMinutes(1);

    private final MutableClock clock = new MutableClock();
    private final SecureRandom random = new SecureRandom();
    private final KeyPair rootKeys = WorkloadKeys.generate();
    private final X509Certificate root;
    private final TrustBundle trustBundle;

    public TestCa() {
        X500Name name = new X500Name("O=" + TRUST_DOMAIN + ",CN=Ambit test root CA");
        Instant now = clock.instant();
        root = sign(new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(CLOCK_SKEW_ALLOWANCE)),
                Date.from(now.plus(ROOT_TTL)), name, rootKeys.getPublic()), certificate -> {
                    certificate.addExtension(Extension.subjectKeyIdentifier, false,
                            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(rootKeys.getPublic()));
                    certificate.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                    certificate.addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
                });
        trustBundle = new TrustBundle(TRUST_DOMAIN, List.of(root));
    }

    public TrustBundle trustBundle() {
        return trustBundle;
    }

    /** Signs in-process whatever identity it is asked for. */
    public CertificateAuthorityClient client() {
        return (identity, csrPem, ttl) -> {
            try {
                return CompletableFuture.completedFuture(sign(csrPem, identity, ttl));
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        };
    }

    public MutableClock clock() {
        return clock;
    }

    public WorkloadCertificate issue(SpiffeId identity, Duration ttl) {
        KeyPair keys = WorkloadKeys.generate();
        return new WorkloadCertificate(identity, keys.getPrivate(),
                sign(WorkloadKeys.certificateRequestPem(keys, identity), identity, ttl));
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

    /** The chain, leaf first, for the key in {@code csrPem} and for {@code identity}. */
    public List<X509Certificate> sign(String csrPem, SpiffeId identity, Duration ttl) {
        PublicKey key;
        try {
            key = new JcaPKCS10CertificationRequest(Pem.single(csrPem, Pem.CERTIFICATE_REQUEST, "test CSR")).getPublicKey();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("test CSR has no usable key", e);
        }
        Instant now = clock.instant();
        Duration lifetime = ttl == null || ttl.compareTo(MAX_LEAF_TTL) > 0 ? MAX_LEAF_TTL : ttl;
        X509Certificate leaf = sign(new JcaX509v3CertificateBuilder(root, serial(),
                Date.from(now.minus(CLOCK_SKEW_ALLOWANCE)), Date.from(now.plus(lifetime)), new X500Name(new RDN[0]),
                key), certificate -> {
                    // Key identifiers, as the controller writes them, tell apart roots that share a name.
                    certificate.addExtension(Extension.authorityKeyIdentifier, false,
                            new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(root));
                    certificate.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    certificate.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                    certificate.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
                    certificate.addExtension(Extension.subjectAlternativeName, true, new GeneralNames(
                            new GeneralName(GeneralName.uniformResourceIdentifier, identity.uri())));
                });
        return List.of(leaf, root);
    }

    public static SpiffeId identity(String namespace, String serviceAccount) {
        return SpiffeId.of(TRUST_DOMAIN, namespace, serviceAccount);
    }

    private BigInteger serial() {
        return new BigInteger(127, random).add(BigInteger.ONE);
    }

    private X509Certificate sign(X509v3CertificateBuilder builder, Extensions extensions) {
        try {
            extensions.addTo(builder);
            PrivateKey key = rootKeys.getPrivate();
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(WorkloadKeys.SIGNATURE_ALGORITHM).build(key)));
        } catch (Exception e) {
            throw new IllegalStateException("test CA cannot sign: " + e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface Extensions {
        void addTo(X509v3CertificateBuilder builder) throws Exception;
    }
}
