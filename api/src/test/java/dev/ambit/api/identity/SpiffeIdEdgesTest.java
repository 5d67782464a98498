package dev.ambit.api.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which check refuses an id at the edges of each rule: the message tells which one fired. */
class SpiffeIdEdgesTest {

    private static String refused(String uri) {
        return assertThrows(InvalidSpiffeIdException.class, () -> SpiffeId.parse(uri)).getMessage();
    }

    @Test
    void anEmptyIdIsCalledEmpty() {
        assertEquals("SPIFFE ID is empty", refused(""));
        assertEquals("SPIFFE ID is empty", refused(null));
    }

    @Test
    void theLengthLimitIsInclusive() {
        String atLimit = "spiffe://cluster.local/ns/a/sa/" + "b".repeat(2048 - 31);
        assertEquals(2048, atLimit.length());
        assertFalse(refused(atLimit).contains("longer than"), "2048 characters are not too long");
        assertEquals("SPIFFE ID is longer than 2048 characters", refused(atLimit + "b"));
    }

    @Test
    void onlyPrintableAsciiPassesTheCharacterCheck() {
        assertTrue(refused("spiffe://cluster.local/ns/a/sa/b c").contains("at index 32"));
        assertTrue(refused("spiffe://cluster.local/ns/a/sa/b\u007f").contains("not allowed in a SPIFFE ID at index 32"));
        assertFalse(refused("spiffe://cluster.local/ns/a/sa/b!").contains("not allowed"),
                "'!' is printable: the service account rule refuses it");
        assertFalse(refused("spiffe://cluster.local/ns/a/sa/b~").contains("not allowed"),
                "'~' is printable: the service account rule refuses it");
        for (String c : new String[] {"?", "#", "%", "@", "\\"}) {
            assertTrue(refused("spiffe://cluster.local/ns/a/sa/b" + c).contains("not allowed"), c);
        }
    }

    @Test
    void thePathHasExactlyFourSegments() {
        String path = "does not have the path /ns/<namespace>/sa/<service-account>";
        assertTrue(refused("spiffe://cluster.local/ns/a/sa/b/c").contains(path));
        assertTrue(refused("spiffe://cluster.local/ns/a/sa").contains(path));
        assertTrue(refused("spiffe://cluster.local/xs/a/sa/b").contains(path));
        assertTrue(refused("spiffe://cluster.local/ns/a/xa/b").contains(path));
        assertTrue(refused("spiffe://cluster.local:8443/ns/a/sa/b").contains("has a port"));
    }

    @Test
    void aTrustDomainCannotStartOrEndWithADot() {
        assertThrows(InvalidSpiffeIdException.class, () -> SpiffeId.of(".cluster", "a", "b"));
        assertThrows(InvalidSpiffeIdException.class, () -> SpiffeId.of("cluster.", "a", "b"));
        assertEquals("cluster.local", SpiffeId.of("cluster.local", "a", "b").trustDomain());
    }
}
