package dev.ambit.runtime.tls;

import dev.ambit.runtime.testing.TestCa;
import java.time.Duration;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CertificateKeyManagerTest {

    private final WorkloadCertificate certificate =
            new TestCa().issue(TestCa.identity("demo", "echo"), Duration.ofHours(1));
    private final CertificateKeyManager keys = new CertificateKeyManager(certificate);

    @Test
    void offersItsEcCertificateOnlyForEcKeyTypes() {
        assertTrue(keys.suits("EC"));
        assertTrue(keys.suits("EC_EC"), "an EC key certified with ECDSA");
        assertFalse(keys.suits("EC_RSA"), "the mesh CA signs with ECDSA, not RSA");
        assertFalse(keys.suits("RSA"));
        assertFalse(keys.suits("DH_RSA"));
        assertFalse(keys.suits(null));
        assertEquals("workload", keys.chooseEngineServerAlias("EC", null, null));
        assertNull(keys.chooseEngineServerAlias("RSA", null, null));
        assertEquals("workload", keys.chooseEngineClientAlias(new String[] {"RSA", "EC"}, null, null));
        assertNull(keys.chooseEngineClientAlias(new String[] {"RSA"}, null, null));
    }

    @Test
    void givesTheKeyAndChainForItsAliasOnly() {
        String alias = keys.chooseEngineServerAlias("EC", null, null);
        assertEquals(certificate.key(), keys.getPrivateKey(alias));
        assertArrayEquals(certificate.chain().toArray(), keys.getCertificateChain(alias));
        assertNull(keys.getPrivateKey("other"));
        assertNull(keys.getCertificateChain("other"));
    }
}
