package dev.ambit.control.ca;

import dev.ambit.api.identity.Pem;
import dev.ambit.api.identity.PemException;
import java.io.IOException;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** PKCS#10 requests as the CA reads them: with BouncyCastle, which only the controller carries. */
public final class CertificateRequests {

    private CertificateRequests() {
    }

    /** The single CERTIFICATE REQUEST in {@code pem}. Its signature is not checked here. */
    public static PKCS10CertificationRequest parse(String pem, String source) {
        byte[] der = Pem.single(pem, Pem.CERTIFICATE_REQUEST, source);
        try {
            return new PKCS10CertificationRequest(der);
        } catch (IOException | RuntimeException e) {
            // BouncyCastle reports truncated or malformed DER as a mix of IOException and runtime exceptions.
            throw new PemException(source + ": corrupted certificate request (" + e.getMessage() + ")");
        }
    }
}
