package dev.ambit.control.ca;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ambit.api.identity.SpiffeCertificates;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.identity.WorkloadKeys;
import java.io.IOException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * The CA's CSR handling, from the bytes a caller sends. Either the request is refused with a
 * {@link CertificateRequestException} (the message the caller gets back), or the certificate issued is a workload leaf
 * for the authorized identity only: one URI SAN, that identity, not a CA, whatever the request asked for.
 *
 * <p>Half the inputs are raw DER (anything the wire can carry); the other half are well-signed requests whose
 * requested attributes are fuzzed, since a fuzzer cannot forge the proof-of-possession signature and the checks on
 * what is asked for sit behind it.
 */
class CertificateRequestFuzzTest {

    private static final MeshCa CA = MeshCa.selfSigned("cluster.local");
    private static final SpiffeId CALLER = SpiffeId.parse("spiffe://cluster.local/ns/demo/sa/hello");
    private static final KeyPair KEY = WorkloadKeys.generate();
    private static final ASN1ObjectIdentifier[] ATTRIBUTES = {
        PKCSObjectIdentifiers.pkcs_9_at_extensionRequest,
        PKCSObjectIdentifiers.pkcs_9_at_challengePassword,
        new ASN1ObjectIdentifier("1.2.3.4"),
    };

    @FuzzTest(maxDuration = "10s")
    void issue(FuzzedDataProvider data) throws IOException, OperatorCreationException {
        byte[] der = data.consumeBoolean() ? signedRequest(data) : data.consumeRemainingAsBytes();
        String pem = "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END CERTIFICATE REQUEST-----\n";
        IssuedCertificate issued;
        try {
            issued = CA.issue(pem, CALLER, Duration.ofHours(1));
        } catch (CertificateRequestException refused) {
            assertFalse(refused.getMessage() == null || refused.getMessage().isBlank(), "a refusal says why");
            return;
        }
        X509Certificate leaf = issued.leaf();
        assertEquals(CALLER, SpiffeCertificates.identityOf(leaf), "only the authorized identity is certified");
        assertEquals(-1, leaf.getBasicConstraints(), "a workload certificate is never a CA");
        assertTrue(leaf.getSubjectX500Principal().equals(new X500Principal("")), "the subject is empty");
        assertEquals(CALLER, CA.verify(issued.chain()));
    }

    /** A request signed by its key, with a fuzzed attribute (an extension request, most of the time). */
    private static byte[] signedRequest(FuzzedDataProvider data) throws IOException, OperatorCreationException {
        PKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(
                new X500Principal(""), KEY.getPublic());
        int attributes = data.consumeInt(0, 2);
        for (int i = 0; i < attributes; i++) {
            ASN1ObjectIdentifier type = data.pickValue(ATTRIBUTES);
            builder.addAttribute(type, asn1(data.consumeBytes(data.consumeInt(0, 512))));
        }
        return builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(KEY.getPrivate())).getEncoded();
    }

    private static ASN1Encodable asn1(byte[] bytes) {
        try {
            ASN1Primitive parsed = ASN1Primitive.fromByteArray(bytes);
            return parsed != null ? parsed : new DEROctetString(bytes);
        } catch (IOException | RuntimeException notAsn1) {
            return new DEROctetString(bytes);
        }
    }
}
