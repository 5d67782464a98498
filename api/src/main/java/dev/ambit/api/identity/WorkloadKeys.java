package dev.ambit.api.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** Key pairs and certificate requests for workload identities: ECDSA P-256, SHA-256, one URI SAN. */
public final class WorkloadKeys {

    public static final String CURVE = "secp256r1";
    public static final String SIGNATURE_ALGORITHM = "SHA256withECDSA";

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

    /** A PKCS#10 request for {@code identity}, signed by {@code keys}. */
    public static PKCS10CertificationRequest certificateRequest(KeyPair keys, SpiffeId identity) {
        try {
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, true,
                    new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, identity.uri())));
            return new JcaPKCS10CertificationRequestBuilder(new X500Name(new RDN[0]),
                    keys.getPublic())
                    .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                    .build(new JcaContentSignerBuilder(SIGNATURE_ALGORITHM).build(keys.getPrivate()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign a certificate request with " + SIGNATURE_ALGORITHM, e);
        }
    }

    public static String certificateRequestPem(KeyPair keys, SpiffeId identity) {
        return Pem.encode(certificateRequest(keys, identity));
    }
}
