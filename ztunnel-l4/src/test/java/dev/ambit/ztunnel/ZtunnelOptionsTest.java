package dev.ambit.ztunnel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.runtime.hbone.HboneSettings;
import dev.ambit.ztunnel.dns.DnsProxySettings;
import io.netty.handler.ssl.SslProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ZtunnelOptionsTest {

    private static final InetAddress NODE_IP = address("10.1.2.3");

    @Test
    void defaultsAreTheMeshPortsOnTheNodeAddressAndAdminOnLoopback() {
        ZtunnelOptions options = ZtunnelOptions.defaults("node-a", NODE_IP);

        assertEquals(new InetSocketAddress(NODE_IP, MeshPorts.OUTBOUND), options.outbound());
        assertEquals(new InetSocketAddress(NODE_IP, MeshPorts.HBONE), options.hbone());
        assertEquals(new InetSocketAddress(NODE_IP, MeshPorts.PLAINTEXT_INBOUND), options.plaintextInbound());
        assertEquals(new InetSocketAddress(NODE_IP, MeshPorts.METRICS), options.metrics());
        assertEquals(new InetSocketAddress(NODE_IP, MeshPorts.READINESS), options.readiness());
        assertEquals(Optional.of(new InetSocketAddress(address("127.0.0.1"), MeshPorts.ADMIN)), options.admin());
        assertEquals(Duration.ofSeconds(30), options.drainDeadline());
        assertEquals(ZtunnelOptions.DEFAULT_MAX_CONNECTIONS, options.maxConnections());
        assertEquals(Optional.empty(), options.tlsProvider());
    }

    @Test
    void aBuilderFromOptionsKeepsEveryOne() {
        ZtunnelOptions changed = ZtunnelOptions.ephemeral("node-a", NODE_IP).toBuilder()
                .outbound(new InetSocketAddress(NODE_IP, 1))
                .hbone(new InetSocketAddress(NODE_IP, 2))
                .plaintextInbound(new InetSocketAddress(NODE_IP, 3))
                .metrics(new InetSocketAddress(NODE_IP, 4))
                .readiness(new InetSocketAddress(NODE_IP, 5))
                .admin(Optional.empty())
                .hboneSettings(HboneSettings.defaults())
                .connectTimeout(Duration.ofSeconds(1))
                .certificateTtl(Duration.ofHours(2))
                .drainDeadline(Duration.ofSeconds(3))
                .sourceWait(Duration.ofMillis(700))
                .ioThreads(4)
                .tlsProvider(SslProvider.JDK)
                .maxConnections(5)
                .dns(Optional.of(DNS))
                .build();

        assertEquals(changed, changed.toBuilder().build());
        assertEquals(new ZtunnelOptions("node-a", new InetSocketAddress(NODE_IP, 1), new InetSocketAddress(NODE_IP, 2),
                new InetSocketAddress(NODE_IP, 3), new InetSocketAddress(NODE_IP, 4), new InetSocketAddress(NODE_IP, 5),
                Optional.empty(), HboneSettings.defaults(), Duration.ofSeconds(1), Duration.ofHours(2),
                Duration.ofSeconds(3), Duration.ofMillis(700), 4, Optional.of(SslProvider.JDK), 5, Optional.of(DNS)),
                changed);
    }

    private static final DnsProxySettings DNS = DnsProxySettings.defaults(address("10.0.0.1"),
            new InetSocketAddress(address("10.0.0.53"), 53));

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
