package dev.ambit.control.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.identity.CertificateVerificationException;
import dev.ambit.api.identity.Pem;
import dev.ambit.api.identity.PemException;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.identity.WorkloadKeys;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

class MeshCaTest {

    private static final String TD = "cluster.local";
    private static final SpiffeId HELLO = SpiffeId.of(TD, "demo", "hello");
    private static final MeshCa CA = MeshCa.selfSigned(TD);

    @Test
    void issuesAnSvidWithExactlyTheAuthorizedIdentity() throws Exception {
        KeyPair keys = WorkloadKeys.generate();
        IssuedCertificate issued = CA.issue(WorkloadKeys.certificateRequestPem(keys, HELLO), HELLO, null);
        X509Certificate leaf = issued.leaf();

        assertEquals(-1, leaf.getBasicConstraints(), "leaf must not be a CA");
        assertTrue(leaf.getCriticalExtensionOIDs().contains(Extension.keyUsage.getId()));
        assertArrayEquals(new boolean[] {true, false, false, false, false, false, false, false, false},
                leaf.getKeyUsage(), "digitalSignature only");
        assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), leaf.getExtendedKeyUsage());
        assertEquals(1, leaf.getSubjectAlternativeNames().size());
        assertEquals(List.of(6, HELLO.uri()), List.copyOf(leaf.getSubjectAlternativeNames().iterator().next()));
        assertEquals(keys.getPublic(), leaf.getPublicKey());
        assertEquals(HELLO, CA.verify(issued.chain()));
        assertEquals(2, issued.chainPem().size(), "leaf + root");
        assertFalse(issued.toString().contains("PRIVATE"), "safe to log");
    }

    @Test
    void capsTheLifetimeAtTheMaximumAndHonoursShorterRequests() {
        String csr = WorkloadKeys.certificateRequestPem(WorkloadKeys.generate(), HELLO);
        Instant before = Instant.now();
        Instant capped = CA.issue(csr, HELLO, Duration.ofDays(365)).notAfter();
        assertTrue(!capped.isAfter(before.plus(MeshCa.DEFAULT_MAX_LEAF_TTL).plusSeconds(5))
                && capped.isAfter(before.plus(MeshCa.DEFAULT_MAX_LEAF_TTL).minusSeconds(5)), "capped at 24h");
        Instant shorter = CA.issue(csr, HELLO, Duration.ofHours(1)).notAfter();
        assertTrue(shorter.isBefore(before.plus(Duration.ofHours(1)).plusSeconds(5)));
        CertificateRequestException e = assertThrows(CertificateRequestException.class,
                () -> CA.issue(csr, HELLO, Duration.ofSeconds(5)));
        assertTrue(e.getMessage().contains("shorter than the minimum"), e.getMessage());
    }

    @Test
    void refusesARequestWhoseSignatureDoesNotVerify() throws Exception {
        KeyPair keys = WorkloadKeys.generate();
        byte[] der = WorkloadKeys.certificateRequest(keys, HELLO);
        der[der.length - 5] ^= 0x5a; // inside the signature value
        String pem = "-----BEGIN CERTIFICATE REQUEST-----\n" + Base64.getMimeEncoder().encodeToString(der)
                + "\n-----END CERTIFICATE REQUEST-----\n";
        CertificateRequestException e = assertThrows(CertificateRequestException.class,
                () -> CA.issue(pem, HELLO, null));
        assertTrue(e.getMessage().contains("signature"), e.getMessage());
    }

    @Test
    void refusesARequestSignedByAnotherKey() throws Exception {
        KeyPair keys = WorkloadKeys.generate();
        KeyPair other = WorkloadKeys.generate();
        String pem = Pem.encode(Pem.CERTIFICATE_REQUEST, new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(other.getPrivate())).getEncoded());
        CertificateRequestException e = assertThrows(CertificateRequestException.class,
                () -> CA.issue(pem, HELLO, null));
        assertTrue(e.getMessage().contains("signature does not verify"), e.getMessage());
    }

    @Test
    void refusesARequestForAnotherIdentity() {
        SpiffeId admin = SpiffeId.of(TD, "kube-system", "admin");
        String csr = WorkloadKeys.certificateRequestPem(WorkloadKeys.generate(), admin);
        CertificateRequestException e = assertThrows(CertificateRequestException.class,
                () -> CA.issue(csr, HELLO, null));
        assertTrue(e.getMessage().contains("asks for 'spiffe://cluster.local/ns/kube-system/sa/admin'"), e.getMessage());
    }

    @Test
    void refusesExtraSansAndCaRights() throws Exception {
        KeyPair keys = WorkloadKeys.generate();
        ExtensionsGenerator dns = new ExtensionsGenerator();
        dns.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.uniformResourceIdentifier, HELLO.uri()),
            new GeneralName(GeneralName.dNSName, "kubernetes.default.svc")}));
        CertificateRequestException extraSan = assertThrows(CertificateRequestException.class,
                () -> CA.issue(csrWith(keys, dns), HELLO, null));
        assertTrue(extraSan.getMessage().contains("kubernetes.default.svc"), extraSan.getMessage());

        ExtensionsGenerator ca = new ExtensionsGenerator();
        ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        CertificateRequestException caTrue = assertThrows(CertificateRequestException.class,
                () -> CA.issue(csrWith(keys, ca), HELLO, null));
        assertTrue(caTrue.getMessage().contains("CA:true"), caTrue.getMessage());
    }

    @Test
    void refusesNonP256Keys() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair keys = rsa.generateKeyPair();
        String pem = Pem.encode(Pem.CERTIFICATE_REQUEST, new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())).getEncoded());
        CertificateRequestException e = assertThrows(CertificateRequestException.class,
                () -> CA.issue(pem, HELLO, null));
        assertTrue(e.getMessage().contains("must be ECDSA P-256"), e.getMessage());
    }

    @Test
    void refusesCorruptedOrWrongPem() {
        assertThrows(CertificateRequestException.class,
                () -> CA.issue("-----BEGIN CERTIFICATE REQUEST-----\n!!!\n-----END CERTIFICATE REQUEST-----", HELLO,
                        null));
        CertificateRequestException e = assertThrows(CertificateRequestException.class,
                () -> CA.issue(CA.issuerChainPem(), HELLO, null));
        assertTrue(e.getMessage().contains("CERTIFICATE REQUEST"), e.getMessage());
    }

    @Test
    void refusesIdentitiesOfAnotherTrustDomain() {
        SpiffeId foreign = SpiffeId.of("other.mesh", "demo", "hello");
        String csr = WorkloadKeys.certificateRequestPem(WorkloadKeys.generate(), foreign);
        assertThrows(CertificateRequestException.class, () -> CA.issue(csr, foreign, null));
    }

    @Test
    void anExpiredChainIsRefusedWithAClearReason() {
        Instant twoDaysAgo = Instant.now().minus(Duration.ofDays(2));
        MeshCa pastCa = MeshCa.selfSigned(TD, MeshCa.DEFAULT_ROOT_TTL, Duration.ofHours(1),
                Clock.fixed(twoDaysAgo, ZoneOffset.UTC));
        IssuedCertificate old = pastCa.issue(WorkloadKeys.certificateRequestPem(WorkloadKeys.generate(), HELLO), HELLO,
                null);
        CertificateVerificationException e = assertThrows(CertificateVerificationException.class,
                () -> pastCa.trustBundle().verify(old.chain(), Instant.now()));
        assertTrue(e.getMessage().contains("expired at"), e.getMessage());
    }

    @Test
    void aChainFromAForeignCaIsRefused() {
        MeshCa foreign = MeshCa.selfSigned(TD);
        IssuedCertificate issued = foreign.issue(WorkloadKeys.certificateRequestPem(WorkloadKeys.generate(), HELLO),
                HELLO, null);
        CertificateVerificationException e = assertThrows(CertificateVerificationException.class,
                () -> CA.verify(issued.chain()));
        assertTrue(e.getMessage().contains("not signed by this mesh's CA"), e.getMessage());
        assertThrows(CertificateVerificationException.class, () -> CA.verify(List.of(issued.leaf())));
    }

    @Test
    void signsWithAUserSuppliedIntermediate() {
        TestIntermediate intermediate = TestIntermediate.under(CA, "Ambit test intermediate");
        MeshCa ca = MeshCa.fromPem(TD, intermediate.chainPem(), intermediate.keyPem(), Duration.ofHours(12),
                Clock.systemUTC());
        IssuedCertificate issued = ca.issue(WorkloadKeys.certificateRequestPem(WorkloadKeys.generate(), HELLO), HELLO,
                null);
        assertEquals(3, issued.chain().size(), "leaf, intermediate, root");
        assertEquals(HELLO, CA.verify(issued.chain()), "peers trusting only the root accept it");
        assertEquals(CA.trustBundle().roots(), ca.trustBundle().roots());
    }

    @Test
    void refusesUnusableUserSuppliedCaMaterial() {
        TestIntermediate intermediate = TestIntermediate.under(CA, "Ambit test intermediate");
        TestIntermediate other = TestIntermediate.under(CA, "another");
        IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                () -> MeshCa.fromPem(TD, intermediate.chainPem(), other.keyPem(), Duration.ofHours(1),
                        Clock.systemUTC()));
        assertTrue(mismatch.getMessage().contains("does not match"), mismatch.getMessage());

        IssuedCertificate leaf = CA.issue(WorkloadKeys.certificateRequestPem(WorkloadKeys.generate(), HELLO), HELLO,
                null);
        IllegalArgumentException notCa = assertThrows(IllegalArgumentException.class,
                () -> MeshCa.fromPem(TD, Pem.encode(leaf.chain()), other.keyPem(), Duration.ofHours(1),
                        Clock.systemUTC()));
        assertTrue(notCa.getMessage().contains("is not a CA"), notCa.getMessage());

        String brokenChain = intermediate.chainPem().split("-----END CERTIFICATE-----")[0]
                + "-----END CERTIFICATE-----\n" + Pem.encode(MeshCa.selfSigned(TD).trustBundle().roots());
        IllegalArgumentException unlinked = assertThrows(IllegalArgumentException.class,
                () -> MeshCa.fromPem(TD, brokenChain, intermediate.keyPem(), Duration.ofHours(1), Clock.systemUTC()));
        assertTrue(unlinked.getMessage().contains("is not signed by certificate 1"), unlinked.getMessage());

        assertThrows(PemException.class, () -> MeshCa.fromPem(TD, intermediate.chainPem(),
                "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", Duration.ofHours(1),
                Clock.systemUTC()));
    }

    private static String csrWith(KeyPair keys, ExtensionsGenerator extensions) throws Exception {
        return Pem.encode(Pem.CERTIFICATE_REQUEST, new JcaPKCS10CertificationRequestBuilder(new X500Name("CN=x"), keys.getPublic())
                .addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())).getEncoded());
    }
}
