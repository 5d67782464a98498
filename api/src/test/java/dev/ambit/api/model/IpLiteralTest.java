package dev.ambit.api.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {

    @Test
    void parsesDottedQuads() {
        InetAddress address = IpLiteral.parse("10.244.1.17");
        assertInstanceOf(Inet4Address.class, address);
        assertArrayEquals(new byte[] {10, (byte) 244, 1, 17}, address.getAddress());
        assertEquals("0.0.0.0", IpLiteral.parse("0.0.0.0").getHostAddress());
        assertEquals("255.255.255.255", IpLiteral.parse("255.255.255.255").getHostAddress());
    }

    @ParameterizedTest
    @ValueSource(strings = {"::1", "::", "fd00:10:244:1::17", "2001:DB8::1", "2001:db8:0:0:0:0:0:1",
            "64:ff9b::192.0.2.33", "fe80::1"})
    void parsesIpv6(String literal) {
        InetAddress address = IpLiteral.parse(literal);
        assertInstanceOf(Inet6Address.class, address);
        assertEquals(address, IpLiteral.parse(address.getHostAddress()));
    }

    @Test
    void treatsIpv4MappedIpv6AsIpv4AsTheJdkDoes() {
        assertEquals(IpLiteral.parse("192.0.2.1"), IpLiteral.parse("::ffff:192.0.2.1"));
    }

    /** Each of these is a hostname, a non-canonical spelling, or garbage; none may reach a resolver. */
    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.com", "hello.demo.svc.cluster.local", "1.2.3", "1.2.3.4.5",
            "01.2.3.4", "1.2.3.04", "256.1.1.1", "300.1.2.3", "1.2.3.-4", "1.2.3.+4", "0x7f.0.0.1", "2130706433",
            " 1.2.3.4", "1.2.3.4 ", "1.2.3.4.", "1..3.4", "", "1::2::3", "::g", "12345::", "abc:def", "fe80::1%eth0",
            "fe80::1%1", "[::1]", "1.2.3.4:80", "::1/128", "a:b:c:d:e:f:0:1:2", "１.２.３.４"})
    void rejectsAnythingButALiteral(String text) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> IpLiteral.parse(text));
        assertEquals("'" + text + "' is not an IP address", e.getMessage());
        assertEquals("", e.field());
    }

    @Test
    void rejectsNull() {
        assertEquals("'null' is not an IP address",
                assertThrows(InvalidConfigException.class, () -> IpLiteral.parse(null)).getMessage());
    }

    /** A name that only DNS could answer for would take seconds to time out in a sandbox; rejection is immediate. */
    @Test
    void neverWaitsOnAResolver() {
        assertTimeoutPreemptively(Duration.ofMillis(500), () -> {
            for (int i = 0; i < 100; i++) {
                String name = "unresolvable-" + i + ".invalid";
                assertThrows(InvalidConfigException.class, () -> IpLiteral.parse(name));
            }
        });
    }
}
