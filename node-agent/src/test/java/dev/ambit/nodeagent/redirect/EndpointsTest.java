package dev.ambit.nodeagent.redirect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class EndpointsTest {

    @Test
    void ipv4IsStoredAsIpv4MappedIpv6WithThePortInNetworkOrder() {
        byte[] encoded = Endpoints.encode(new InetSocketAddress("10.96.0.10", 15001));

        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 96, 0, 10,
                (byte) 0x3a, (byte) 0x99, 0, 0}, encoded);
    }

    @Test
    void decodingGivesBackIpv4AndIpv6Endpoints() {
        InetSocketAddress ipv4 = new InetSocketAddress("10.244.1.2", 40000);
        InetSocketAddress ipv6 = new InetSocketAddress("fd00:a3b:1::2", 65535);

        assertEquals(ipv4, Endpoints.decode(Endpoints.encode(ipv4)));
        assertEquals(ipv6, Endpoints.decode(Endpoints.encode(ipv6)));
    }
}
