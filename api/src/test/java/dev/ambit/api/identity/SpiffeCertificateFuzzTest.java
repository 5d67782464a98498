package dev.ambit.api.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A peer's certificate, as it arrives in a TLS handshake or a PEM file: reading its SPIFFE identity either yields
 * the one identity of its single URI SAN or refuses with a {@link CertificateVerificationException} (a handshake
 * failure, counted as such); nothing else escapes. The PEM reader, fed the same bytes as text, refuses with a
 * {@link PemException} or yields certificates whose identities read the same way.
 */
class SpiffeCertificateFuzzTest {

    @FuzzTest(maxDuration = "10s")
    void identityOf(byte[] input) throws CertificateException {
        X509Certificate certificate;
        try {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(input));
        } catch (CertificateException | RuntimeException notACertificate) {
            certificate = null;
        }
        if (certificate != null) {
            readIdentity(certificate);
        }
        List<X509Certificate> chain;
        try {
            chain = Pem.certificates(new String(input, StandardCharsets.ISO_8859_1), "fuzz input");
        } catch (PemException refused) {
            return;
        }
        chain.forEach(SpiffeCertificateFuzzTest::readIdentity);
    }

    private static void readIdentity(X509Certificate certificate) {
        SpiffeId id;
        try {
            id = SpiffeCertificates.identityOf(certificate);
        } catch (CertificateVerificationException refused) {
            return;
        }
        List<String> uris = SpiffeCertificates.uriSans(certificate);
        assertEquals(List.of(id.uri()), uris, "the identity is the certificate's only URI SAN, verbatim");
    }
}
