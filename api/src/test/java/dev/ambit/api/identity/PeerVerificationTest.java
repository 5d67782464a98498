package dev.ambit.api.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chains checked into identities: the trust bundle, the TLS trust manager, and the certificates' URI SANs. */
class PeerVerificationTest {

    private static final Instant NOW = Instant.parse("2030-06-01T00:00:00Z");
    private static final AtomicLong SERIAL = new AtomicLong(1);
    private static final SpiffeId HELLO = SpiffeId.of("cluster.local", "demo", "hello");

    private record Ca(X509Certificate certificate, PrivateKey key) {
    }

    private static Ca root(String name) {
        KeyPair keys = WorkloadKeys.generate();
        return new Ca(certificate(new X500Name("CN=" + name), keys, new X500Name("CN=" + name), keys.getPrivate(),
                NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(30)), true), keys.getPrivate());
    }

    private static X509Certificate certificate(X500Name issuer, KeyPair subjectKeys, X500Name subject,
            PrivateKey signer, Instant notBefore, Instant notAfter, boolean ca, String... uris) {
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(notBefore), Date.from(notAfter), subject,
                    subjectKeys.getPublic());
            if (ca) {
                builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign));
            }
            if (uris.length > 0) {
                GeneralName[] names = new GeneralName[uris.length];
                for (int i = 0; i < uris.length; i++) {
                    names[i] = new GeneralName(GeneralName.uniformResourceIdentifier, uris[i]);
                }
                builder.addExtension(Extension.subjectAlternativeName, true, new GeneralNames(names));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate leaf(Ca ca, Instant notBefore, Instant notAfter, String... uris) {
        return certificate(new X500Name(ca.certificate().getSubjectX500Principal().getName()),
                WorkloadKeys.generate(), new X500Name(new org.bouncycastle.asn1.x500.RDN[0]), ca.key(), notBefore,
                notAfter, false, uris);
    }

    private static X509Certificate leaf(Ca ca, String... uris) {
        return leaf(ca, NOW.minus(Duration.ofHours(1)), NOW.plus(Duration.ofHours(1)), uris);
    }

    private static final Ca ROOT = root("mesh-root");
    private static final TrustBundle BUNDLE = new TrustBundle("cluster.local", List.of(ROOT.certificate()));

    private static String refused(List<X509Certificate> chain) {
        return assertThrows(CertificateVerificationException.class, () -> BUNDLE.verify(chain, NOW)).getMessage();
    }

    @Test
    void aLeafOfTheRootIsItsIdentityWithOrWithoutTheRootSentAlong() {
        X509Certificate leaf = leaf(ROOT, HELLO.uri());
        assertEquals(HELLO, BUNDLE.verify(List.of(leaf), NOW));
        assertEquals(HELLO, BUNDLE.verify(List.of(leaf, ROOT.certificate()), NOW));
        assertEquals("cluster.local", BUNDLE.trustDomain());
        assertEquals(List.of(ROOT.certificate()), BUNDLE.roots());
    }

    @Test
    void aBundleNeedsARoot() {
        assertThrows(IllegalArgumentException.class, () -> new TrustBundle("cluster.local", List.of()));
    }

    @Test
    void eachRefusalSaysWhy() {
        assertEquals("peer presented no certificate", refused(List.of()));
        assertEquals("peer presented no certificate",
                assertThrows(CertificateVerificationException.class, () -> BUNDLE.verify(null, NOW)).getMessage());
        String expired = refused(List.of(leaf(ROOT, NOW.minus(Duration.ofHours(2)), NOW.minus(Duration.ofHours(1)),
                HELLO.uri())));
        assertTrue(expired.startsWith("certificate serial ") && expired.contains(" expired at "), expired);
        String early = refused(List.of(leaf(ROOT, NOW.plus(Duration.ofHours(1)), NOW.plus(Duration.ofHours(2)),
                HELLO.uri())));
        assertTrue(early.contains(" is not valid before "), early);
        assertEquals("identity spiffe://other.domain/ns/demo/sa/hello is not in trust domain cluster.local",
                refused(List.of(leaf(ROOT, "spiffe://other.domain/ns/demo/sa/hello"))));
        assertEquals("chain of " + HELLO + " is not signed by this mesh's CA (foreign or unknown root)",
                refused(List.of(leaf(root("stranger"), HELLO.uri()))));
        Ca impostor = new Ca(ROOT.certificate(), WorkloadKeys.generate().getPrivate());
        assertEquals("chain of " + HELLO + " is not signed by this mesh's CA (signature does not verify)",
                refused(List.of(leaf(impostor, HELLO.uri()))));
    }

    @Test
    void anExpiredIntermediateIsNamedAsSuch() {
        KeyPair intermediateKeys = WorkloadKeys.generate();
        X509Certificate intermediate = certificate(new X500Name("CN=mesh-root"), intermediateKeys,
                new X500Name("CN=intermediate"), ROOT.key(), NOW.minus(Duration.ofDays(10)),
                NOW.minus(Duration.ofDays(1)), true);
        X509Certificate leaf = leaf(new Ca(intermediate, intermediateKeys.getPrivate()), HELLO.uri());
        assertEquals("chain of " + HELLO + " contains an expired certificate", refused(List.of(leaf, intermediate)));
        X509Certificate future = certificate(new X500Name("CN=mesh-root"), intermediateKeys,
                new X500Name("CN=intermediate"), ROOT.key(), NOW.plus(Duration.ofMinutes(10)),
                NOW.plus(Duration.ofDays(1)), true);
        assertEquals("chain of " + HELLO + " contains a certificate that is not yet valid",
                refused(List.of(leaf, future)));
        X509Certificate notACa = certificate(new X500Name("CN=mesh-root"), intermediateKeys,
                new X500Name("CN=intermediate"), ROOT.key(), NOW.minus(Duration.ofDays(1)),
                NOW.plus(Duration.ofDays(1)), false);
        assertTrue(refused(List.of(leaf, notACa)).startsWith("chain of " + HELLO + " is invalid: "));
    }

    @Test
    void anSvidHasExactlyOneSpiffeUri() {
        X509Certificate none = leaf(ROOT);
        assertEquals(List.of(), SpiffeCertificates.uriSans(none));
        assertTrue(refused(List.of(none)).contains(" has 0 URI SANs"));
        X509Certificate two = leaf(ROOT, HELLO.uri(), "spiffe://cluster.local/ns/demo/sa/other");
        assertTrue(refused(List.of(two)).contains(" has 2 URI SANs"));
        String bad = refused(List.of(leaf(ROOT, "https://example.com/")));
        assertTrue(bad.contains("is not a SPIFFE ID"), bad);
        assertEquals("'CN=mesh-root'", SpiffeCertificates.subjectOf(ROOT.certificate()));
        assertTrue(SpiffeCertificates.subjectOf(none).startsWith("serial "));
    }

    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void aClientTrustManagerAcceptsAnyPeerOfTheMeshAndNoServer() {
        SpiffeTrustManager manager = SpiffeTrustManager.forClients(BUNDLE, CLOCK);
        X509Certificate[] chain = {leaf(ROOT, HELLO.uri())};
        assertDoesNotThrow(() -> manager.checkClientTrusted(chain, "EC"));
        assertDoesNotThrow(() -> manager.checkClientTrusted(chain, "EC", (javax.net.ssl.SSLEngine) null));
        assertDoesNotThrow(() -> manager.checkClientTrusted(chain, "EC", (java.net.Socket) null));
        X509Certificate[] foreign = {leaf(root("stranger"), HELLO.uri())};
        CertificateException e = assertThrows(CertificateException.class,
                () -> manager.checkClientTrusted(foreign, "EC"));
        assertTrue(e.getCause() instanceof CertificateVerificationException);
        assertThrows(CertificateException.class, () -> manager.checkClientTrusted(null, "EC"));
        assertThrows(CertificateException.class, () -> manager.checkServerTrusted(chain, "EC",
                (javax.net.ssl.SSLEngine) null), "verifies clients only");
        assertArrayEquals(new X509Certificate[] {ROOT.certificate()}, manager.getAcceptedIssuers());
    }

    @Test
    void aServerMustBeTheExpectedIdentity() {
        SpiffeTrustManager manager = SpiffeTrustManager.forServer(BUNDLE, CLOCK, HELLO);
        assertDoesNotThrow(() -> manager.checkServerTrusted(new X509Certificate[] {leaf(ROOT, HELLO.uri())}, "EC",
                (javax.net.ssl.SSLEngine) null));
        CertificateException wrong = assertThrows(CertificateException.class, () -> manager.checkServerTrusted(
                new X509Certificate[] {leaf(ROOT, "spiffe://cluster.local/ns/demo/sa/other")}, "EC",
                (javax.net.ssl.SSLEngine) null));
        assertEquals("server presented spiffe://cluster.local/ns/demo/sa/other but " + HELLO + " was expected",
                wrong.getMessage());
        X509Certificate[] chain = {leaf(ROOT, HELLO.uri())};
        assertThrows(CertificateException.class, () -> manager.checkServerTrusted(chain, "EC"));
        assertThrows(CertificateException.class, () -> manager.checkServerTrusted(chain, "EC", (java.net.Socket) null));
        assertThrows(CertificateException.class, () -> manager.checkServerTrusted(
                new X509Certificate[] {leaf(root("stranger"), HELLO.uri())}, "EC", (javax.net.ssl.SSLEngine) null));
    }

    @Test
    void pemCarriesChainsAndRequests(@TempDir Path dir) throws Exception {
        X509Certificate leaf = leaf(ROOT, HELLO.uri());
        String chain = Pem.encode(List.of(leaf, ROOT.certificate()));
        assertEquals(List.of(leaf, ROOT.certificate()), Pem.certificates(chain, "chain.pem"));
        Path file = dir.resolve("chain.pem");
        Files.writeString(file, chain);
        assertEquals(chain, Pem.read(file));
        assertTrue(assertThrows(PemException.class, () -> Pem.read(dir.resolve("missing.pem"))).getMessage()
                .contains("missing.pem: cannot be read"));

        KeyPair keys = WorkloadKeys.generate();
        // Built with the JDK, read back with the CA's parser (BouncyCastle): the signature verifies, one critical
        // URI SAN, an empty subject.
        PKCS10CertificationRequest request = new PKCS10CertificationRequest(Pem.single(
                WorkloadKeys.certificateRequestPem(keys, HELLO), Pem.CERTIFICATE_REQUEST, "csr.pem"));
        assertTrue(request.isSignatureValid(new org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder()
                .build(keys.getPublic())));
        assertEquals("SHA256WITHECDSA", new org.bouncycastle.operator.DefaultAlgorithmNameFinder()
                .getAlgorithmName(request.getSignatureAlgorithm()));
        assertEquals(HELLO.uri(), GeneralNames.fromExtensions(request.getRequestedExtensions(),
                Extension.subjectAlternativeName).getNames()[0].getName().toString());
        assertTrue(request.getRequestedExtensions().getExtension(Extension.subjectAlternativeName).isCritical());
        assertEquals(new X500Name(new org.bouncycastle.asn1.x500.RDN[0]), request.getSubject());
        assertEquals("csr.pem: expected exactly one CERTIFICATE REQUEST block", assertThrows(PemException.class,
                () -> Pem.single(chain, Pem.CERTIFICATE_REQUEST, "csr.pem")).getMessage());
        assertEquals("key.pem: expected exactly one private key block, found 2 blocks", assertThrows(
                PemException.class, () -> Pem.privateKey(chain, "key.pem")).getMessage());
        assertEquals("key.pem: expected a PRIVATE KEY block, found CERTIFICATE", assertThrows(
                PemException.class, () -> Pem.privateKey(Pem.encode(List.of(leaf)), "key.pem")).getMessage());
        String mixed = chain + Pem.encodePrivateKey(keys.getPrivate());
        assertEquals("chain.pem: expected only CERTIFICATE blocks, found PRIVATE KEY", assertThrows(
                PemException.class, () -> Pem.certificates(mixed, "chain.pem")).getMessage());
        assertTrue(keys.getPublic().getAlgorithm().equals("EC"));
        assertEquals(WorkloadKeys.CURVE, "secp256r1");
        assertTrue(((java.security.interfaces.ECPublicKey) keys.getPublic()).getParams().toString()
                .contains("secp256r1"), "a P-256 key");
    }
}
