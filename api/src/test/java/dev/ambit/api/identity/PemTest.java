package dev.ambit.api.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import org.junit.jupiter.api.Test;

class PemTest {

    private static final String SOURCE = "test.pem";

    @Test
    void privateKeyRoundTrips() {
        KeyPair keys = WorkloadKeys.generate();
        String pem = Pem.encodePrivateKey(keys.getPrivate());
        assertEquals(keys.getPrivate(), Pem.privateKey(pem, SOURCE));
    }

    @Test
    void corruptedBase64IsAClearError() {
        String pem = "-----BEGIN CERTIFICATE-----\nMIIB$$$not-base64!!!\n-----END CERTIFICATE-----\n";
        PemException e = assertThrows(PemException.class, () -> Pem.certificates(pem, SOURCE));
        assertTrue(e.getMessage().startsWith("test.pem: corrupted PEM"), e.getMessage());
    }

    @Test
    void truncatedDerIsAClearError() {
        String pem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIQ\n-----END CERTIFICATE-----\n";
        PemException e = assertThrows(PemException.class, () -> Pem.certificates(pem, SOURCE));
        assertTrue(e.getMessage().contains("test.pem"), e.getMessage());
    }

    @Test
    void missingEndLineIsAClearError() {
        String pem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIQ\n";
        assertThrows(PemException.class, () -> Pem.certificates(pem, SOURCE));
    }

    @Test
    void emptyOrNonPemInputIsAClearError() {
        assertEquals("test.pem: empty PEM",
                assertThrows(PemException.class, () -> Pem.certificates("  ", SOURCE)).getMessage());
        assertEquals("test.pem: no PEM block found",
                assertThrows(PemException.class, () -> Pem.certificates("hello", SOURCE)).getMessage());
    }

    @Test
    void aKeyWhereCertificatesAreExpectedIsNamed() {
        KeyPair keys = WorkloadKeys.generate();
        String pem = Pem.encodePrivateKey(keys.getPrivate());
        PemException e = assertThrows(PemException.class, () -> Pem.certificates(pem, SOURCE));
        assertTrue(e.getMessage().contains("expected only CERTIFICATE blocks"), e.getMessage());
    }

    @Test
    void aSec1EcKeyIsReadWithItsCurve() {
        KeyPair keys = WorkloadKeys.generate();
        // The JDK's PKCS#8 holds a SEC1 key without its curve (the curve is outside it); OpenSSL's "EC PRIVATE KEY"
        // names it in [0]. Build that form from the JDK's.
        List<Der.Element> pkcs8 = Der.read(keys.getPrivate().getEncoded()).get(0).children();
        Der.Element curve = pkcs8.get(1).children().get(1);
        List<Der.Element> sec1 = Der.read(pkcs8.get(2).content()).get(0).children();
        byte[] withCurve = Der.sequence(Der.tlv(sec1.get(0).tag(), sec1.get(0).content()),
                Der.tlv(sec1.get(1).tag(), sec1.get(1).content()),
                Der.contextConstructed(0, Der.tlv(curve.tag(), curve.content())));
        java.security.interfaces.ECPrivateKey read = (java.security.interfaces.ECPrivateKey) Pem.privateKey(
                Pem.encode("EC PRIVATE KEY", withCurve), SOURCE);
        java.security.interfaces.ECPrivateKey original = (java.security.interfaces.ECPrivateKey) keys.getPrivate();
        assertEquals(original.getS(), read.getS());
        assertEquals(original.getParams().toString(), read.getParams().toString());

        byte[] withoutCurve = Der.sequence(Der.tlv(sec1.get(0).tag(), sec1.get(0).content()),
                Der.tlv(sec1.get(1).tag(), sec1.get(1).content()));
        assertEquals("test.pem: EC private key does not name its curve", assertThrows(PemException.class,
                () -> Pem.privateKey(Pem.encode("EC PRIVATE KEY", withoutCurve), SOURCE)).getMessage());
    }

    @Test
    void aPkcs1RsaKeyIsRead() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair keys = rsa.generateKeyPair();
        byte[] pkcs1 = Der.read(keys.getPrivate().getEncoded()).get(0).children().get(2).content();
        assertEquals(keys.getPrivate(), Pem.privateKey(Pem.encode("RSA PRIVATE KEY", pkcs1), SOURCE));
        assertEquals(keys.getPrivate(), Pem.privateKey(Pem.encodePrivateKey(keys.getPrivate()), SOURCE));
    }

    @Test
    void anEncryptedKeyIsRefusedByName() {
        String pem = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n"
                + "-----END RSA PRIVATE KEY-----\n";
        PemException e = assertThrows(PemException.class, () -> Pem.privateKey(pem, SOURCE));
        assertTrue(e.getMessage().contains("encrypted keys are not supported"), e.getMessage());
    }

    @Test
    void mismatchedEndLineIsAClearError() {
        String pem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----\n";
        PemException e = assertThrows(PemException.class, () -> Pem.certificates(pem, SOURCE));
        assertTrue(e.getMessage().startsWith("test.pem: corrupted PEM"), e.getMessage());
    }

    @Test
    void longLengthsAndOidsEncodeAsDerDoes() {
        assertEquals("06052b0e03021a", hex(Der.oid("1.3.14.3.2.26")));
        assertEquals("06092a864886f70d01090e", hex(Der.oid("1.2.840.113549.1.9.14")));
        byte[] content = new byte[300];
        byte[] encoded = Der.octetString(content);
        assertEquals("0482012c", hex(java.util.Arrays.copyOf(encoded, 4)));
        assertEquals(300, Der.read(encoded).get(0).content().length);
        assertThrows(IllegalArgumentException.class, () -> Der.read(java.util.Arrays.copyOf(encoded, 100)));
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
