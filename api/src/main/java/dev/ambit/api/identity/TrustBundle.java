package dev.ambit.api.identity;

import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The roots a trust domain's peers are verified against, and the verification of a peer's chain into its
 * {@link SpiffeId}. Used on both sides of every mTLS handshake.
 */
public final class TrustBundle {

    private final String trustDomain;
    private final List<X509Certificate> roots;
    private final Set<TrustAnchor> anchors;

    public TrustBundle(String trustDomain, List<X509Certificate> roots) {
        this.trustDomain = Objects.requireNonNull(trustDomain, "trustDomain");
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("a trust bundle needs at least one root certificate");
        }
        this.roots = List.copyOf(roots);
        Set<TrustAnchor> set = new HashSet<>();
        for (X509Certificate root : roots) {
            set.add(new TrustAnchor(root, null));
        }
        this.anchors = Set.copyOf(set);
    }

    public String trustDomain() {
        return trustDomain;
    }

    public List<X509Certificate> roots() {
        return roots;
    }

    /**
     * Verifies {@code chain} (leaf first, issuers after, the root optional) at {@code now} and returns the leaf's
     * identity, which must belong to this bundle's trust domain.
     */
    public SpiffeId verify(List<X509Certificate> chain, Instant now) {
        if (chain == null || chain.isEmpty()) {
            throw new CertificateVerificationException("peer presented no certificate");
        }
        X509Certificate leaf = chain.get(0);
        checkValidity(leaf, now);
        SpiffeId identity = SpiffeCertificates.identityOf(leaf);
        if (!identity.trustDomain().equals(trustDomain)) {
            throw new CertificateVerificationException("identity " + identity + " is not in trust domain "
                    + trustDomain);
        }
        validatePath(pathWithoutAnchors(chain), now, identity);
        return identity;
    }

    private List<X509Certificate> pathWithoutAnchors(List<X509Certificate> chain) {
        // PKIX wants the path without its trust anchor; peers commonly send the root along.
        return chain.stream().filter(cert -> !roots.contains(cert)).toList();
    }

    private void validatePath(List<X509Certificate> path, Instant now, SpiffeId identity) {
        try {
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters parameters = new PKIXParameters(anchors);
            // Revocation is handled by short leaf lifetimes, as in every SPIFFE mesh; no CRL/OCSP endpoints exist.
            parameters.setRevocationEnabled(false);
            parameters.setDate(Date.from(now));
            CertPathValidator.getInstance("PKIX").validate(certPath, parameters);
        } catch (CertPathValidatorException e) {
            throw new CertificateVerificationException(describeFailure(e, identity));
        } catch (InvalidAlgorithmParameterException e) {
            throw new IllegalStateException("trust bundle unusable: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new CertificateVerificationException("chain of " + identity + " cannot be checked: " + e.getMessage());
        }
    }

    private static String describeFailure(CertPathValidatorException e, SpiffeId identity) {
        if (e.getReason() == CertPathValidatorException.BasicReason.EXPIRED) {
            return "chain of " + identity + " contains an expired certificate";
        }
        if (e.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) {
            return "chain of " + identity + " contains a certificate that is not yet valid";
        }
        if (e.getReason() == java.security.cert.PKIXReason.NO_TRUST_ANCHOR) {
            return "chain of " + identity + " is not signed by this mesh's CA (foreign or unknown root)";
        }
        if (e.getReason() == CertPathValidatorException.BasicReason.INVALID_SIGNATURE) {
            // Same issuer name, different key: another mesh's CA of the same trust domain, or a replaced root.
            return "chain of " + identity + " is not signed by this mesh's CA (signature does not verify)";
        }
        return "chain of " + identity + " is invalid: " + e.getMessage();
    }

    private static void checkValidity(X509Certificate leaf, Instant now) {
        try {
            leaf.checkValidity(Date.from(now));
        } catch (CertificateExpiredException e) {
            throw new CertificateVerificationException("certificate " + SpiffeCertificates.subjectOf(leaf)
                    + " expired at " + leaf.getNotAfter().toInstant());
        } catch (CertificateNotYetValidException e) {
            throw new CertificateVerificationException("certificate " + SpiffeCertificates.subjectOf(leaf)
                    + " is not valid before " + leaf.getNotBefore().toInstant());
        }
    }
}
