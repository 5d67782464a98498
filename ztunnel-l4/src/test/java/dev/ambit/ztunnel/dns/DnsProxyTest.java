package dev.ambit.ztunnel.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.transport.Transport;
import dev.ambit.ztunnel.config.TunnelConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The proxy on loopback, forwarding to a fake resolver on loopback; clients send from pod addresses (127.0.0.x). */
@ExtendWith(LeakDetectorExtension.class)
class DnsProxyTest {

    static final InetAddress CLIENT = MeshNamesTest.CLIENT;
    static final InetAddress HELLO_V4 = MeshNamesTest.HELLO_VIP;
    static final InetAddress DUAL_V4 = MeshNamesTest.address("10.96.0.20");
    static final InetAddress DUAL_V6 = MeshNamesTest.address("fd00:10:96::20");
    static final Duration UPSTREAM_TIMEOUT = Duration.ofSeconds(2);
    static final int MAX_IN_FLIGHT = 3;

    private static EventLoopGroup clientLoops;
    private static EventLoopGroup proxyLoops;
    private static Transport transport;

    private FakeUpstream upstream;
    private DnsMetrics metrics;
    private DnsProxy proxy;
    private DnsClient client;

    @BeforeAll
    static void loops() {
        transport = Transport.best();
        proxyLoops = transport.newEventLoopGroup(2, "dns-proxy-test");
        clientLoops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void closeLoops() {
        proxyLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @BeforeEach
    void start() {
        upstream = new FakeUpstream(clientLoops);
        metrics = new DnsMetrics(new PrometheusRegistry());
        TunnelConfig config = MeshNamesTest.config(
                MeshNamesTest.service("demo", "hello-svc", List.of(HELLO_V4)),
                MeshNamesTest.service("demo", "dual", List.of(DUAL_V4, DUAL_V6)));
        DnsProxySettings settings = DnsProxySettings.defaults(InetAddress.getLoopbackAddress(), upstream.address())
                .withListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .withUpstreamTimeout(UPSTREAM_TIMEOUT)
                .withMaxInFlight(MAX_IN_FLIGHT);
        proxy = DnsProxy.bind(transport, proxyLoops, settings, () -> config, metrics);
        client = new DnsClient(CLIENT);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void answersEveryNameFormOfAMeshServiceFromTheConfig() {
        for (String name : List.of("hello-svc.demo.svc.cluster.local.", "hello-svc.demo.svc.", "hello-svc.demo.",
                "hello-svc.", "HELLO-SVC.Demo.svc.cluster.local.")) {
            DnsClient.Reply reply = client.query(proxy.udpAddress(), 7, name, DnsRecordType.A);
            assertEquals(DnsResponseCode.NOERROR, reply.code(), name);
            assertEquals(List.of(HELLO_V4), reply.addresses(), name);
            assertEquals(List.of(DnsProxySettings.DEFAULT_MESH_TTL.toSeconds()), reply.ttls(), name);
            assertTrue(reply.authoritative(), name);
            assertEquals(7, reply.id());
        }
        assertEquals(5, metrics.answers("mesh"));
        // Then one forwarded name: the only one the upstream was ever asked.
        client.query(proxy.udpAddress(), 8, "example.com.", DnsRecordType.A);
        assertEquals(List.of("example.com."), upstream.asked());
    }

    @Test
    void aaaaHasTheServicesIpv6AddressesAndIsEmptyNoErrorWithoutAny() {
        DnsClient.Reply dual = client.query(proxy.udpAddress(), 1, "dual.demo.svc.cluster.local.",
                DnsRecordType.AAAA);
        assertEquals(DnsResponseCode.NOERROR, dual.code());
        assertEquals(List.of(DUAL_V6), dual.addresses());
        assertEquals(List.of(DUAL_V4), client.query(proxy.udpAddress(), 2, "dual.demo.", DnsRecordType.A)
                .addresses());

        DnsClient.Reply v4only = client.query(proxy.udpAddress(), 3, "hello-svc.demo.svc.cluster.local.",
                DnsRecordType.AAAA);
        assertEquals(DnsResponseCode.NOERROR, v4only.code());
        assertEquals(List.of(), v4only.addresses());
        assertEquals(List.of(), upstream.asked());
    }

    @Test
    void namesUnderTheServiceZoneThatAreNoServiceOfTheMeshAreTheClusterDnssToAnswer() {
        DnsClient.Reply reply = client.query(proxy.udpAddress(), 1, "nope.demo.svc.cluster.local.", DnsRecordType.A);
        assertEquals(DnsResponseCode.NXDOMAIN, reply.code(), "as the upstream answered");
        assertEquals(List.of("nope.demo.svc.cluster.local."), upstream.asked());
    }

    @Test
    void forwardsOtherNamesAndServesRepeatsFromTheCache() {
        DnsClient.Reply first = client.query(proxy.udpAddress(), 1, "example.com.", DnsRecordType.A);
        DnsClient.Reply second = client.query(proxy.udpAddress(), 2, "Example.COM.", DnsRecordType.A);

        InetAddress expected = FakeUpstream.RECORDS.get("example.com.");
        assertEquals(List.of(expected), first.addresses());
        assertEquals(List.of(FakeUpstream.TTL), first.ttls());
        assertFalse(first.authoritative());
        assertEquals(List.of(expected), second.addresses());
        assertTrue(second.ttls().get(0) <= FakeUpstream.TTL);
        assertEquals(2, second.id());
        assertEquals(List.of("example.com."), upstream.asked(), "the repeat came from the cache");
        assertEquals(1, metrics.answers("upstream"));
        assertEquals(1, metrics.answers("cache"));

        DnsClient.Reply missing = client.query(proxy.udpAddress(), 3, "missing.example.", DnsRecordType.A);
        assertEquals(DnsResponseCode.NXDOMAIN, missing.code());
    }

    @Test
    void anUpstreamThatDoesNotAnswerIsServfailAndHoldsUpNothingElse() {
        client.send(proxy.udpAddress(), 1, FakeUpstream.SILENT, DnsRecordType.A);
        client.send(proxy.udpAddress(), 2, "hello-svc.demo.", DnsRecordType.A);

        DnsClient.Reply meshFirst = client.receive();
        DnsClient.Reply servfail = client.receive();
        assertEquals(2, meshFirst.id(), "the mesh answer did not wait for the silent upstream");
        assertEquals(List.of(HELLO_V4), meshFirst.addresses());
        assertEquals(1, servfail.id());
        assertEquals(DnsResponseCode.SERVFAIL, servfail.code());
        assertEquals(1, metrics.failures(DnsMetrics.Failure.UPSTREAM_TIMEOUT));
        assertEquals(0, proxy.upstreamInFlight());
    }

    @Test
    void pastTheInFlightBoundAQueryIsServfailAtOnce() {
        for (int id = 1; id <= MAX_IN_FLIGHT; id++) {
            client.send(proxy.udpAddress(), id, FakeUpstream.SILENT, DnsRecordType.A);
        }
        client.send(proxy.udpAddress(), 99, "other.example.", DnsRecordType.A);

        DnsClient.Reply refused = client.receive();
        assertEquals(99, refused.id(), "answered before the waiting ones time out");
        assertEquals(DnsResponseCode.SERVFAIL, refused.code());
        assertEquals(1, metrics.failures(DnsMetrics.Failure.OVERLOADED));
        for (int i = 0; i < MAX_IN_FLIGHT; i++) {
            assertEquals(DnsResponseCode.SERVFAIL, client.receive().code());
        }
        assertEquals(MAX_IN_FLIGHT, metrics.failures(DnsMetrics.Failure.UPSTREAM_TIMEOUT));
        // With room again, the same name is forwarded and answered.
        assertEquals(List.of(FakeUpstream.RECORDS.get("other.example.")),
                client.query(proxy.udpAddress(), 100, "other.example.", DnsRecordType.A).addresses());
    }

    @Test
    void malformedDatagramsAreDroppedAndCounted() {
        client.sendRaw(proxy.udpAddress(), new byte[] {1, 2, 3});
        client.sendRaw(proxy.udpAddress(), new byte[512]);
        client.sendRaw(proxy.udpAddress(), responseBytes());
        client.sendEncoded(proxy.udpAddress(), new DatagramDnsQuery(null, proxy.udpAddress(), 5));

        // The next query is answered, and its answer is the first datagram back: none of the above got one.
        DnsClient.Reply reply = client.query(proxy.udpAddress(), 6, "hello-svc.demo.", DnsRecordType.A);
        assertEquals(6, reply.id());
        assertEquals(4, metrics.failures(DnsMetrics.Failure.MALFORMED));
        assertEquals(List.of(), upstream.asked());
    }

    @Test
    void aNameFarLongerThanDnsAllowsIsDroppedAndCounted() {
        client.sendRaw(proxy.udpAddress(), queryWithLabels(60, 60, 60, 60, 60));

        DnsClient.Reply reply = client.query(proxy.udpAddress(), 2, "hello-svc.demo.", DnsRecordType.A);
        assertEquals(2, reply.id(), "the over-long name got no answer");
        assertEquals(1, metrics.failures(DnsMetrics.Failure.MALFORMED));
        assertEquals(List.of(), upstream.asked());
    }

    @Test
    void aNameJustLongerThanDnsAllowsIsFormerr() {
        // 254 characters: one more than a name may have.
        client.sendRaw(proxy.udpAddress(), queryWithLabels(63, 63, 63, 62));

        DnsClient.Reply reply = client.receive();
        assertEquals(DnsResponseCode.FORMERR, reply.code());
        assertEquals(1, metrics.failures(DnsMetrics.Failure.NAME_TOO_LONG));
        assertEquals(List.of(), upstream.asked());
    }

    /** Found by DnsQueryFuzzTest: Netty decodes a NUL in a label, but cannot write the name back into a response. */
    @Test
    void aNameNoResponseCouldCarryIsDroppedAndCounted() {
        byte[] query = queryWithLabels(5, 3);
        query[12 + 1 + 2] = 0;
        client.sendRaw(proxy.udpAddress(), query);

        DnsClient.Reply reply = client.query(proxy.udpAddress(), 2, "hello-svc.demo.", DnsRecordType.A);
        assertEquals(2, reply.id(), "the name with a NUL got no answer");
        assertEquals(1, metrics.failures(DnsMetrics.Failure.MALFORMED));
        assertEquals(List.of(), upstream.asked());
    }

    /** A query for a name of labels this long, written byte by byte: Netty's encoder refuses over-long names. */
    private static byte[] queryWithLabels(int... lengths) {
        ByteBuf query = Unpooled.buffer();
        query.writeShort(1).writeShort(0x0100).writeShort(1).writeShort(0).writeShort(0).writeShort(0);
        for (int length : lengths) {
            query.writeByte(length).writeBytes("a".repeat(length).getBytes(StandardCharsets.US_ASCII));
        }
        query.writeByte(0).writeShort(1).writeShort(1);
        return ByteBufUtil.getBytes(query);
    }

    @Test
    void overTcpAndTruncatedOverUdpWhenTooLarge() {
        assertEquals(proxy.udpAddress().getPort(), proxy.tcpAddress().getPort());
        DnsClient.Reply mesh = DnsClient.tcpQuery(proxy.tcpAddress(), 1, "hello-svc.demo.svc.cluster.local.",
                DnsRecordType.A);
        assertEquals(List.of(HELLO_V4), mesh.addresses());
        assertEquals(1, metrics.queries("tcp"));

        DnsClient.Reply udp = client.query(proxy.udpAddress(), 2, FakeUpstream.BIG, DnsRecordType.A);
        assertTrue(udp.truncated(), "more than 512 bytes over UDP");
        assertEquals(List.of(), udp.addresses());
        DnsClient.Reply tcp = DnsClient.tcpQuery(proxy.tcpAddress(), 3, FakeUpstream.BIG, DnsRecordType.A);
        assertFalse(tcp.truncated());
        assertEquals(FakeUpstream.BIG_RECORDS, tcp.addresses().size());
    }

    @Test
    void aMalformedTcpQueryEndsItsConnectionAndIsCounted() throws IOException {
        try (Socket socket = new Socket(proxy.tcpAddress().getAddress(), proxy.tcpAddress().getPort())) {
            socket.setSoTimeout(10_000);
            // A two-byte length (3), then three bytes that are no DNS message.
            socket.getOutputStream().write(new byte[] {0, 3, 1, 2, 3});
            assertThrows(IOException.class, () -> DnsClient.readTcpReply(socket.getInputStream()));
        }
        assertEquals(1, metrics.failures(DnsMetrics.Failure.MALFORMED));
        // The listener serves on.
        assertEquals(List.of(HELLO_V4), DnsClient.tcpQuery(proxy.tcpAddress(), 1, "hello-svc.demo.",
                DnsRecordType.A).addresses());
    }

    @Test
    void aTcpClientBeyondTheLimitIsResetAndCountedWhileTheOthersAreServed() throws Exception {
        DnsProxySettings settings = DnsProxySettings.defaults(InetAddress.getLoopbackAddress(), upstream.address())
                .withListen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .withMaxTcpClients(1);
        DnsProxy limited = DnsProxy.bind(transport, proxyLoops, settings, () -> MeshNamesTest.config(
                MeshNamesTest.service("demo", "hello-svc", List.of(HELLO_V4))), metrics);
        try (Socket held = new Socket(limited.tcpAddress().getAddress(), limited.tcpAddress().getPort())) {
            // The held client is served (so it is the proxy's one place), then stays connected.
            held.setSoTimeout(10_000);
            DnsClient.writeTcpQuery(held.getOutputStream(), 1, "hello-svc.demo.", DnsRecordType.A);
            assertEquals(List.of(HELLO_V4), DnsClient.readTcpReply(held.getInputStream()).addresses());

            assertThrows(java.io.UncheckedIOException.class, () -> DnsClient.tcpQuery(limited.tcpAddress(), 2,
                    "hello-svc.demo.",
                    DnsRecordType.A), "a second client while the first holds the only place");
            assertEquals(1, metrics.failures(DnsMetrics.Failure.TCP_CLIENTS_FULL));

            DnsClient.writeTcpQuery(held.getOutputStream(), 3, "hello-svc.demo.", DnsRecordType.A);
            assertEquals(List.of(HELLO_V4), DnsClient.readTcpReply(held.getInputStream()).addresses());
        } finally {
            limited.close();
        }
    }

    /** A DNS response: a well-formed message, but not a query. */
    private static byte[] responseBytes() {
        EmbeddedChannel encoder = new EmbeddedChannel(new DatagramDnsResponseEncoder());
        DatagramDnsResponse response = new DatagramDnsResponse(null, new InetSocketAddress(CLIENT, 53), 9);
        response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion("example.com.", DnsRecordType.A));
        encoder.writeOutbound(response);
        DatagramPacket packet = encoder.readOutbound();
        ByteBuf content = packet.content();
        try {
            return ByteBufUtil.getBytes(content);
        } finally {
            packet.release();
            encoder.finishAndReleaseAll();
        }
    }

}
