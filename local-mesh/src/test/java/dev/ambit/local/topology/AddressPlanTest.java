package dev.ambit.local.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The plan's IPv6 side: each IPv4 address's counterpart, written with the same decimal digits. */
class AddressPlanTest {

    @Test
    void everyNodeAddressHasItsIpv6Counterpart() {
        assertEquals("10.10.0.2", AddressPlan.nodeIp(2));
        assertEquals("fd00:10::2", AddressPlan.nodeIpv6(2));
        assertEquals("fd00:10:244:2::1", AddressPlan.podGatewayIpv6(2));
        assertEquals("fd00:10:244:2::/64", AddressPlan.podCidrIpv6(2));
        assertEquals("fd00:10:244:12::/64", AddressPlan.podCidrIpv6(12), "decimal digits, not hex");
        assertThrows(IllegalArgumentException.class, () -> AddressPlan.nodeIpv6(0));
    }

    @Test
    void aPodsIpv6AddressIsItsIpv4OnesDigits() {
        assertEquals("fd00:10:244:1::11", AddressPlan.podIpv6Of("10.244.1.11"));
        assertEquals("fd00:10:244:2::101", AddressPlan.podIpv6Of("10.244.2.101"));
        assertThrows(IllegalArgumentException.class, () -> AddressPlan.podIpv6Of("10.10.0.1"));
    }

    @Test
    void podAddressesOfANodeInBothFamilies() {
        assertTrue(AddressPlan.isPodIpOf(1, "10.244.1.11"));
        assertTrue(AddressPlan.isPodIpOf(1, "fd00:10:244:1::11"));
        assertTrue(AddressPlan.isPodIpOf(2, "fd00:10:244:2::254"));
        assertFalse(AddressPlan.isPodIpOf(2, "fd00:10:244:1::11"), "the other node's range");
        assertFalse(AddressPlan.isPodIpOf(1, "10.244.2.11"), "the other node's range");
        assertFalse(AddressPlan.isPodIpOf(1, "fd00:10:244:1::1"), "the gateway");
        assertFalse(AddressPlan.isPodIpOf(1, "10.244.1.1"), "the gateway");
        assertFalse(AddressPlan.isPodIpOf(1, "fd00:10:244:1::255"));
        assertFalse(AddressPlan.isPodIpOf(1, "fd00:10:244:1::ab"), "not the plan's decimal digits");
        assertFalse(AddressPlan.isPodIpOf(1, "fd00:10:244:1::1:11"));
        assertFalse(AddressPlan.isPodIpOf(1, "fd00:10:244:11::11"));
        assertFalse(AddressPlan.isPodIpOf(1, "fd00:10::11"), "the underlay");
        assertEquals("fd00:10:244:1::/64", AddressPlan.podCidrOfFamily(1, "fd00:10:244:2::3"));
        assertEquals("10.244.1.0/24", AddressPlan.podCidrOfFamily(1, "10.244.2.3"));
    }
}
