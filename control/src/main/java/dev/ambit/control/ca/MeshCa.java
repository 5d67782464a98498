package dev.ambit.control.ca;

import dev.ambit.api.identity.Pem;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.identity.TrustBundle;
import dev.ambit.api.identity.WorkloadKeys;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mesh certificate authority: a self-signed root (the default) or a user-supplied intermediate, signing
 * workload leaf certificates from checked certificate requests.
 *
 * <p>The identity written into a leaf is the one the caller was authorized for ({@link #issue}); the request
 * only proves possession of the key. Leaves are {@code cA=false}, carry exactly one URI SAN, and never outlive
 * the signing certificate.
 */
public final class MeshCa {

    private static final Logger log = LoggerFactory.getLogger(MeshCa.class);

    public static final Duration DEFAULT_ROOT_TTL = Duration.ofDays(3650);
    public static final Duration DEFAULT_MAX_LEAF_TTL = Duration.ofHours(24);
    public static final Duration MIN_LEAF_TTL = Duration.ofMinutes(1);
    /** Back-dating of notBefore so that peers whose clocks run slightly behind accept fresh certificates. */
    static final Duration CLOCK_SKEW_ALLOWANCE = Duration.ofMinutes(1);

    private final String trustDomain;
    private final X509Certificate signingCertificate;
    private final PrivateKey signingKey;
    /** The signing certificate followed by its issuers up to and including the root. */
    private final List<X509Certificate> issuerChain;
    private final TrustBundle trustBundle;
    private final Duration maxLeafTtl;
    private final Clock clock;
    private final CertificateRequestVerifier requestVerifier = new CertificateRequestVerifier();
    private final SecureRandom random = new SecureRandom();

    private MeshCa(String trustDomain, List<X509Certificate> issuerChain, PrivateKey signingKey, Duration maxLeafTtl,
            Clock clock) {
        this.trustDomain = trustDomain;
        this.issuerChain = List.copyOf(issuerChain);
        this.signingCertificate = issuerChain.get(0);
        this.signingKey = signingKey;
        this.trustBundle = new TrustBundle(trustDomain, List.of(issuerChain.get(issuerChain.size() - 1)));
        this.maxLeafTtl = requirePositive(maxLeafTtl, "maximum leaf lifetime");
        this.clock = clock;
    }

    /** A new CA with a fresh self-signed ECDSA P-256 root. */
    public static MeshCa selfSigned(String trustDomain, Duration rootTtl, Duration maxLeafTtl, Clock clock) {
        requireTrustDomain(trustDomain);
        KeyPair keys = WorkloadKeys.generate();
        Instant now = clock.instant();
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, trustDomain)
                .addRDN(BCStyle.CN, "Ambit mesh root CA")
                .build();
        X509Certificate root = CertificateSigner.sign(
                new JcaX509v3CertificateBuilder(name, new BigInteger(127, new SecureRandom()).add(BigInteger.ONE),
                        Date.from(now.minus(CLOCK_SKEW_ALLOWANCE)),
                        Date.from(now.plus(requirePositive(rootTtl, "root lifetime"))), name, keys.getPublic()),
                keys.getPublic(), null,
                List.of(
                    new CertificateExtension(Extension.basicConstraints, true, new BasicConstraints(true)),
                    new CertificateExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))),
                keys.getPrivate());
        log.info("event=ca_root_created trust_domain={} serial={} not_after={}", trustDomain,
                root.getSerialNumber().toString(16), root.getNotAfter().toInstant());
        return new MeshCa(trustDomain, List.of(root), keys.getPrivate(), maxLeafTtl, clock);
    }

    public static MeshCa selfSigned(String trustDomain) {
        return selfSigned(trustDomain, DEFAULT_ROOT_TTL, DEFAULT_MAX_LEAF_TTL, Clock.systemUTC());
    }

    /**
     * A CA that signs with a user-supplied certificate and key: {@code chainPem} holds the signing certificate
     * first and its issuers after it, ending with the root that peers will trust.
     */
    public static MeshCa fromPem(String trustDomain, String chainPem, String keyPem, Duration maxLeafTtl, Clock clock) {
        requireTrustDomain(trustDomain);
        List<X509Certificate> chain = Pem.certificates(chainPem, "CA certificate chain");
        PrivateKey key = Pem.privateKey(keyPem, "CA private key");
        new SigningMaterialCheck(chain, key, clock.instant()).run();
        X509Certificate signer = chain.get(0);
        log.info("event=ca_loaded trust_domain={} subject=\"{}\" serial={} not_after={} chain_length={}", trustDomain,
                signer.getSubjectX500Principal().getName(), signer.getSerialNumber().toString(16),
                signer.getNotAfter().toInstant(), chain.size());
        return new MeshCa(trustDomain, chain, key, maxLeafTtl, clock);
    }

    public static MeshCa fromFiles(String trustDomain, Path chainFile, Path keyFile, Duration maxLeafTtl) {
        return fromPem(trustDomain, Pem.read(chainFile), Pem.read(keyFile), maxLeafTtl, Clock.systemUTC());
    }

    /**
     * Signs {@code csrPem} into a leaf for {@code authorizedIdentity}, the identity the caller was authenticated
     * and authorized for. The request must be validly signed, for an ECDSA P-256 key, must not ask for CA rights,
     * and may name no identity other than {@code authorizedIdentity}.
     *
     * @param requestedTtl the lifetime asked for; null means the maximum. Capped at the maximum leaf lifetime and
     *     at the signing certificate's own expiry.
     * @throws CertificateRequestException when the request is refused; the message says why
     */
    public IssuedCertificate issue(String csrPem, SpiffeId authorizedIdentity, Duration requestedTtl) {
        Objects.requireNonNull(authorizedIdentity, "authorizedIdentity");
        if (!authorizedIdentity.trustDomain().equals(trustDomain)) {
            throw new CertificateRequestException("identity " + authorizedIdentity + " is not in trust domain "
                    + trustDomain);
        }
        PublicKey key = requestVerifier.verify(csrPem, authorizedIdentity);
        Instant now = clock.instant();
        Instant notAfter = now.plus(leafTtl(requestedTtl));
        Instant signerExpiry = signingCertificate.getNotAfter().toInstant();
        if (notAfter.isAfter(signerExpiry)) {
            notAfter = signerExpiry;
        }
        if (!notAfter.isAfter(now)) {
            throw new IllegalStateException("the CA certificate expired at " + signerExpiry + "; rotate the CA");
        }
        BigInteger serial = new BigInteger(127, random).add(BigInteger.ONE);
        X509Certificate leaf = CertificateSigner.sign(
                new JcaX509v3CertificateBuilder(signingCertificate, serial, Date.from(now.minus(CLOCK_SKEW_ALLOWANCE)),
                        Date.from(notAfter), new X500Name(new RDN[0]), key),
                key, signingCertificate,
                List.of(
                    new CertificateExtension(Extension.basicConstraints, true, new BasicConstraints(false)),
                    new CertificateExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature)),
                    new CertificateExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth})),
                    // Critical because the subject is empty (RFC 5280 4.2.1.6), as in every X.509-SVID.
                    new CertificateExtension(Extension.subjectAlternativeName, true, new GeneralNames(
                            new GeneralName(GeneralName.uniformResourceIdentifier, authorizedIdentity.uri())))),
                signingKey);
        List<X509Certificate> chain = new ArrayList<>(issuerChain.size() + 1);
        chain.add(leaf);
        chain.addAll(issuerChain);
        return new IssuedCertificate(authorizedIdentity, serial, leaf.getNotAfter().toInstant(), chain);
    }

    public TrustBundle trustBundle() {
        return trustBundle;
    }

    public String trustDomain() {
        return trustDomain;
    }

    public Duration maxLeafTtl() {
        return maxLeafTtl;
    }

    /** The signing key, PEM (PKCS#8): only for {@link CaDirectory} to keep a self-signed CA across restarts. */
    String signingKeyPem() {
        return Pem.encodePrivateKey(signingKey);
    }

    /** The signing certificate and its issuers, PEM, for operators to inspect or distribute. */
    public String issuerChainPem() {
        return Pem.encode(issuerChain);
    }

    /** Verifies a chain this CA (or a peer CA under the same root) issued and returns its identity. */
    public SpiffeId verify(List<X509Certificate> chain) {
        return trustBundle.verify(chain, clock.instant());
    }

    private Duration leafTtl(Duration requested) {
        if (requested == null || requested.isZero()) {
            return maxLeafTtl;
        }
        if (requested.isNegative()) {
            throw new CertificateRequestException("requested lifetime " + requested + " is negative");
        }
        if (requested.compareTo(MIN_LEAF_TTL) < 0) {
            throw new CertificateRequestException("requested lifetime " + requested + " is shorter than the minimum "
                    + MIN_LEAF_TTL);
        }
        return requested.compareTo(maxLeafTtl) > 0 ? maxLeafTtl : requested;
    }

    private static Duration requirePositive(Duration duration, String what) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + duration);
        }
        return duration;
    }

    private static void requireTrustDomain(String trustDomain) {
        // Validates through the identity type so a CA never signs for a domain no SpiffeId could name.
        SpiffeId.of(trustDomain, "default", "default");
    }

    private record CertificateExtension(ASN1ObjectIdentifier oid, boolean critical, ASN1Encodable value) {
    }

    /** The BouncyCastle builder dance for one certificate, shared by the root and the leaves. */
    private static final class CertificateSigner {
        private static final JcaX509CertificateConverter CONVERTER = new JcaX509CertificateConverter();

        static X509Certificate sign(X509v3CertificateBuilder builder, PublicKey subjectKey, X509Certificate issuer,
                List<CertificateExtension> extensions, PrivateKey issuerKey) {
            try {
                JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
                builder.addExtension(Extension.subjectKeyIdentifier, false,
                        utils.createSubjectKeyIdentifier(subjectKey));
                if (issuer != null) {
                    builder.addExtension(Extension.authorityKeyIdentifier, false,
                            utils.createAuthorityKeyIdentifier(issuer));
                }
                for (CertificateExtension extension : extensions) {
                    builder.addExtension(extension.oid(), extension.critical(), extension.value());
                }
                return CONVERTER.getCertificate(
                        builder.build(new JcaContentSignerBuilder(signatureAlgorithm(issuerKey)).build(issuerKey)));
            } catch (CertIOException | OperatorCreationException | java.security.GeneralSecurityException e) {
                throw new IllegalStateException("cannot sign a certificate: " + e.getMessage(), e);
            }
        }

        private static String signatureAlgorithm(PrivateKey key) {
            return switch (key.getAlgorithm()) {
                case "EC", "ECDSA" -> WorkloadKeys.SIGNATURE_ALGORITHM;
                case "RSA" -> "SHA256withRSA";
                default -> throw new IllegalArgumentException("unsupported CA key algorithm " + key.getAlgorithm());
            };
        }
    }
}
