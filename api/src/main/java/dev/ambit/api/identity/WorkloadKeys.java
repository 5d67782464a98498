package dev.ambit.api.identity;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

/** Key pairs and certificate requests for workload identities: ECDSA P-256, SHA-256, one URI SAN. */
public final class WorkloadKeys {

    public static final String CURVE = "secp256r1";
    public static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

    private static final byte[] ECDSA_WITH_SHA256 = Der.oid("1.2.840.10045.4.3.2");
    private static final byte[] EXTENSION_REQUEST = Der.oid("1.2.840.113549.1.9.14");
    private static final byte[] SUBJECT_ALTERNATIVE_NAME = Der.oid("2.5.29.17");
    /** GeneralName's uniformResourceIdentifier: [6] IMPLICIT IA5String. */
    private static final int URI_NAME = 6;

    private WorkloadKeys() {
    }

    public static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(CURVE));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate " + CURVE + " keys", e);
        }
    }

    /**
     * A PKCS#10 request (RFC 2986) for {@code identity}, signed by {@code keys}, in DER: an empty subject, the public
     * key, and an extension request for one critical subjectAltName, the identity's URI (critical because the
     * subject is empty, RFC 5280 4.2.1.6). Built with the JDK alone; the controller's CA reads it with BouncyCastle.
     */
    public static byte[] certificateRequest(KeyPair keys, SpiffeId identity) {
        byte[] subjectAltName = Der.sequence(Der.contextPrimitive(URI_NAME,
                identity.uri().getBytes(StandardCharsets.US_ASCII)));
        byte[] extensions = Der.sequence(Der.sequence(SUBJECT_ALTERNATIVE_NAME, Der.bool(true),
                Der.octetString(subjectAltName)));
        byte[] info = Der.sequence(
                Der.smallInteger(0),
                Der.sequence(),
                keys.getPublic().getEncoded(),
                Der.contextConstructed(0, Der.sequence(EXTENSION_REQUEST, Der.set(extensions))));
        try {
            Signature signer = Signature.getInstance(SIGNATURE_ALGORITHM);
            signer.initSign(keys.getPrivate());
            signer.update(info);
            return Der.sequence(info, Der.sequence(ECDSA_WITH_SHA256), Der.bitString(signer.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a certificate request with " + SIGNATURE_ALGORITHM, e);
        }
    }

    public static String certificateRequestPem(KeyPair keys, SpiffeId identity) {
        return Pem.encode(Pem.CERTIFICATE_REQUEST, certificateRequest(keys, identity));
    }
}
