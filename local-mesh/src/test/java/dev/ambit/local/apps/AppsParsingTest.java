package dev.ambit.local.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ambit.testbed.RequestSummary;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the sample clients read: the served-on family of a hello response, and targets of either family. */
class AppsParsingTest {

    @Test
    void aResponseIsServedOnTheFamilyOfItsServedOnHeader() {
        assertEquals(Optional.of(RequestClient.IPV6), RequestClient.servedOnFamily(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-served-on: fd00:10:244:2::11\r\n\r\nHello"));
        assertEquals(Optional.of(RequestClient.IPV4), RequestClient.servedOnFamily(
                "HTTP/1.1 200 OK\r\nx-served-on: 10.244.2.11\r\ncontent-length: 5\r\n\r\nHello"));
        assertEquals(Optional.empty(), RequestClient.servedOnFamily("HTTP/1.1 403 Forbidden\r\n\r\nRBAC: denied"));
        assertEquals(Optional.empty(), RequestClient.servedOnFamily(
                "HTTP/1.1 200 OK\r\n\r\nx-served-on: fd00::1\r\n"), "only a header counts, not the body");
    }

    @Test
    void theSummarysServedOnCountsAreReadBesideTheRest() {
        String line = "versions=v1:4,v2:6 statuses=200:10 failures=0 p50_ms=1 p99_ms=2 max_ms=3 failure_kinds=-"
                + " rbac=- served_on=ipv4:3,ipv6:7";
        assertEquals(Map.of("ipv4", 3, "ipv6", 7), RequestClient.servedOn("notice\n" + line + "\n"));
        assertEquals(10, RequestSummary.parse(line).status(200), "the summary's parser ignores the new field");
        assertEquals(Map.of(), RequestClient.servedOn(line.replace("served_on=ipv4:3,ipv6:7", "served_on=-")));
        assertEquals(Map.of(), RequestClient.servedOn("versions=- statuses=- failures=0"));
    }

    @Test
    void targetsTakeAnIpv6HostInBrackets() {
        assertEquals(new InetSocketAddress("fd00:10:244:2::11", 9000),
                AppArguments.hostAndPort("[fd00:10:244:2::11]:9000"));
        assertEquals(new InetSocketAddress("10.244.2.11", 9000), AppArguments.hostAndPort("10.244.2.11:9000"));
        assertThrows(IllegalArgumentException.class, () -> AppArguments.hostAndPort("fd00:10:244:2::11:9000"));
        assertThrows(IllegalArgumentException.class, () -> AppArguments.hostAndPort("9000"));
    }

    @Test
    void ipv6AddressesAreWrittenShort() throws Exception {
        assertEquals("fd00:10:96::10", IpText.of(InetAddress.getByName("fd00:10:96:0:0:0:0:10")));
        assertEquals("::", IpText.of(InetAddress.getByName("::")));
        assertEquals("::1", IpText.of(InetAddress.getByName("::1")));
        assertEquals("fd00:0:0:1::1", IpText.of(InetAddress.getByName("fd00:0:0:1:0:0:0:1")), "the longer run");
        assertEquals("fd00::1:0:0:1:1", IpText.of(InetAddress.getByName("fd00:0:0:1:0:0:1:1")), "the first of equals");
        assertEquals("fd00:0:1:2:3:4:5:6", IpText.of(InetAddress.getByName("fd00:0:1:2:3:4:5:6")), "one zero stays");
        assertEquals("10.244.1.11", IpText.of(InetAddress.getByName("10.244.1.11")));
    }
}
