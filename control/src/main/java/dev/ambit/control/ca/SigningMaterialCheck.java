package dev.ambit.control.ca;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * Refuses user-supplied CA material that would only fail later, in the middle of a handshake: a key that does not
 * match the certificate, a certificate that may not sign certificates, a chain that does not link up, or one that
 * has expired.
 */
final class SigningMaterialCheck {

    private final List<X509Certificate> chain;
    private final PrivateKey key;
    private final Instant now;

    SigningMaterialCheck(List<X509Certificate> chain, PrivateKey key, Instant now) {
        this.chain = chain;
        this.key = key;
        this.now = now;
    }

    void run() {
        X509Certificate signer = chain.get(0);
        if (signer.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("CA certificate '" + signer.getSubjectX500Principal().getName()
                    + "' is not a CA (basicConstraints cA=false)");
        }
        boolean[] usage = signer.getKeyUsage();
        if (usage != null && !usage[5]) {
            throw new IllegalArgumentException("CA certificate '" + signer.getSubjectX500Principal().getName()
                    + "' lacks the keyCertSign key usage");
        }
        requireKeyMatches(signer);
        for (int i = 0; i < chain.size(); i++) {
            X509Certificate cert = chain.get(i);
            if (cert.getNotAfter().before(Date.from(now)) || cert.getNotBefore().after(Date.from(now))) {
                throw new IllegalArgumentException("CA chain certificate " + i + " ('"
                        + cert.getSubjectX500Principal().getName() + "') is not valid now (valid "
                        + cert.getNotBefore().toInstant() + " to " + cert.getNotAfter().toInstant() + ")");
            }
            X509Certificate issuer = i + 1 < chain.size() ? chain.get(i + 1) : cert;
            try {
                cert.verify(issuer.getPublicKey());
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("CA chain certificate " + i + " is not signed by certificate "
                        + (i + 1 < chain.size() ? String.valueOf(i + 1) : "itself (the chain must end with the root)"));
            }
        }
    }

    private void requireKeyMatches(X509Certificate signer) {
        try {
            String algorithm = "EC".equals(key.getAlgorithm()) ? "SHA256withECDSA" : "SHA256withRSA";
            byte[] probe = "ambit-ca-key-check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signing = Signature.getInstance(algorithm);
            signing.initSign(key);
            signing.update(probe);
            byte[] signature = signing.sign();
            Signature verifying = Signature.getInstance(algorithm);
            verifying.initVerify(signer.getPublicKey());
            verifying.update(probe);
            if (!verifying.verify(signature)) {
                throw new IllegalArgumentException("CA private key does not match the CA certificate");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("CA private key does not match the CA certificate: " + e.getMessage());
        }
    }
}
