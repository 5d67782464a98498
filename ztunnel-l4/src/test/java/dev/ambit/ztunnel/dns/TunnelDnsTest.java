package dev.ambit.ztunnel.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.TestCa;
import dev.ambit.runtime.transport.Transport;
import dev.ambit.ztunnel.Ztunnel;
import dev.ambit.ztunnel.ZtunnelOptions;
import dev.ambit.ztunnel.testing.MapLookup;
import dev.ambit.ztunnel.testing.Workloads;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The proxy as part of the tunnel: bound with its listeners, on the config it holds, closed with it. */
@ExtendWith(LeakDetectorExtension.class)
class TunnelDnsTest {

    @Test
    void theTunnelAnswersFromTheConfigItHoldsAndFreesThePortWhenClosed() throws Exception {
        TestCa ca = new TestCa();
        EventLoopGroup upstreamLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        PrometheusRegistry registry = new PrometheusRegistry();
        InetSocketAddress dnsAddress;
        try (FakeUpstream upstream = new FakeUpstream(upstreamLoop)) {
            InetAddress node = Workloads.loopback(1);
            ZtunnelOptions options = ZtunnelOptions.ephemeral("node-a", node).toBuilder()
                    .dns(Optional.of(DnsProxySettings.defaults(node, upstream.address())
                            .withListen(new InetSocketAddress(node, 0))))
                    .build();
            try (Ztunnel tunnel = Ztunnel.prepare(options, Transport.best(), ca.client(), ca.trustBundle(),
                    new MapLookup(), registry, Clock.systemUTC());
                    DnsClient client = new DnsClient(MeshNamesTest.CLIENT)) {
                assertThrows(IllegalStateException.class, tunnel::dnsAddress, "not before the tunnel listens");
                tunnel.listen();
                dnsAddress = tunnel.dnsAddress().orElseThrow();

                assertEquals(DnsResponseCode.NXDOMAIN, client.query(dnsAddress, 1,
                        "hello-svc.demo.svc.cluster.local.", DnsRecordType.A).code(), "no config yet: the upstream's answer");
                tunnel.updateConfig(MeshNamesTest.config(MeshNamesTest.service("demo", "hello-svc",
                        List.of(MeshNamesTest.HELLO_VIP))));
                assertEquals(List.of(MeshNamesTest.HELLO_VIP), client.query(dnsAddress, 2, "hello-svc.",
                        DnsRecordType.A).addresses());
                assertEquals(List.of(FakeUpstream.RECORDS.get("example.com.")), client.query(dnsAddress, 3,
                        "example.com.", DnsRecordType.A).addresses());

                String scrape = scrape(registry);
                assertTrue(scrape.contains("ambit_dns_queries_total{protocol=\"udp\"} 3.0"), scrape);
                assertTrue(scrape.contains("ambit_dns_answers_total{source=\"mesh\"} 1.0"), scrape);
                assertTrue(scrape.contains("ambit_dns_answers_total{source=\"upstream\"} 2.0"), scrape);
                assertTrue(scrape.contains("ambit_dns_request_duration_seconds_count{source=\"mesh\"} 1"), scrape);
            }
        } finally {
            upstreamLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        // Closed with the tunnel: the port can be bound again.
        try (DatagramSocket again = new DatagramSocket(dnsAddress)) {
            assertEquals(dnsAddress.getPort(), again.getLocalPort());
        }
    }

    @Test
    void offUnlessConfigured() throws Exception {
        TestCa ca = new TestCa();
        try (Ztunnel tunnel = Ztunnel.start(ZtunnelOptions.ephemeral("node-a", Workloads.loopback(1)),
                Transport.best(), ca.client(), ca.trustBundle(), new MapLookup(), new PrometheusRegistry(),
                Clock.systemUTC())) {
            assertEquals(Optional.empty(), tunnel.dnsAddress());
            assertEquals(Optional.empty(), tunnel.dnsMetrics());
        }
    }

    private static String scrape(PrometheusRegistry registry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }
}
