package dev.ambit.api.identity;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Reads the SPIFFE identity out of an X.509-SVID leaf certificate. */
public final class SpiffeCertificates {

    /** The GeneralName tag of a URI SAN (RFC 5280). */
    private static final int URI_NAME = 6;

    private SpiffeCertificates() {
    }

    /**
     * The identity in the certificate's only URI SAN. A certificate with none or several URI SANs is rejected:
     * an SVID names exactly one workload.
     */
    public static SpiffeId identityOf(X509Certificate certificate) {
        List<String> uris = uriSans(certificate);
        if (uris.size() != 1) {
            throw new CertificateVerificationException("certificate " + subjectOf(certificate) + " has "
                    + uris.size() + " URI SANs; an Ambit identity certificate has exactly one spiffe:// URI");
        }
        try {
            return SpiffeId.parse(uris.get(0));
        } catch (InvalidSpiffeIdException e) {
            throw new CertificateVerificationException("certificate " + subjectOf(certificate) + ": " + e.getMessage());
        }
    }

    static List<String> uriSans(X509Certificate certificate) {
        Collection<List<?>> names;
        try {
            names = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new CertificateVerificationException("certificate " + subjectOf(certificate)
                    + " has an unreadable subjectAltName: " + e.getMessage());
        }
        List<String> uris = new ArrayList<>();
        if (names != null) {
            for (List<?> name : names) {
                if (((Integer) name.get(0)) == URI_NAME) {
                    uris.add((String) name.get(1));
                }
            }
        }
        return uris;
    }

    static String subjectOf(X509Certificate certificate) {
        String subject = certificate.getSubjectX500Principal().getName();
        return subject.isEmpty() ? "serial " + certificate.getSerialNumber().toString(16) : "'" + subject + "'";
    }
}
