package dev.ambit.api.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPair;
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
}
