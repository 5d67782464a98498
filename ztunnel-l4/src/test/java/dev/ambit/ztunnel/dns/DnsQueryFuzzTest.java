package dev.ambit.ztunnel.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.ztunnel.config.TunnelConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.dns.DatagramDnsResponseDecoder;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Datagrams into the proxy's UDP pipeline as production builds it ({@link DnsQueryHandler.Udp#install}), on an
 * {@link EmbeddedChannel}, answering from a config with a dual-stack service; names outside the mesh go to a
 * forwarder that answers NXDOMAIN or fails at once.
 *
 * <p>What must hold for any bytes: each datagram gets exactly one response or is counted malformed; a response goes
 * to the sender, carries the query's id, fits 512 bytes and decodes; no exception escapes; nothing leaks.
 */
@ExtendWith(LeakDetectorExtension.class)
class DnsQueryFuzzTest {

    private static final InetSocketAddress PROXY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 15053);
    private static final InetSocketAddress POD = new InetSocketAddress(MeshNamesTest.CLIENT, 40_000);
    private static final TunnelConfig CONFIG = MeshNamesTest.config(
            MeshNamesTest.service("demo", "hello-svc", List.of(MeshNamesTest.HELLO_VIP)),
            MeshNamesTest.service("demo", "dual", List.of(DnsProxyTest.DUAL_V4, DnsProxyTest.DUAL_V6)));
    private static final DnsProxySettings SETTINGS = DnsProxySettings.defaults(InetAddress.getLoopbackAddress(),
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 53));

    @FuzzTest(maxDuration = "10s")
    void datagram(byte[] input) {
        DnsMetrics metrics = new DnsMetrics(new PrometheusRegistry());
        List<String> forwarded = new ArrayList<>();
        Forwarder upstream = (question, answered) -> {
            forwarded.add(question.name());
            return question.name().length() % 2 == 0
                    ? answered.setSuccess(new Answer(DnsResponseCode.NXDOMAIN, List.of(), List.of(),
                            Answer.Source.UPSTREAM))
                    : answered.setFailure(new Upstream.UpstreamFailure(DnsMetrics.Failure.UPSTREAM_TIMEOUT, null));
        };
        DnsAnswerer answerer = new DnsAnswerer(() -> CONFIG, SETTINGS, new AnswerCache(16, System::nanoTime),
                upstream, metrics);
        EmbeddedChannel channel = new EmbeddedChannel();
        DnsQueryHandler.Udp.install(channel.pipeline(), answerer, metrics);

        // Not Unpooled.copiedBuffer: for no bytes it returns the shared empty buffer, which is never released.
        ByteBuf bytes = Unpooled.buffer(input.length).writeBytes(input);
        channel.writeInbound(new DatagramPacket(bytes, PROXY, POD));
        channel.runPendingTasks();
        channel.checkException();

        List<DatagramPacket> responses = new ArrayList<>();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            responses.add((DatagramPacket) out);
        }
        try {
            assertEquals(1, responses.size() + metrics.failures(DnsMetrics.Failure.MALFORMED),
                    "one response, or counted as malformed");
            for (DatagramPacket response : responses) {
                assertEquals(POD, response.recipient());
                assertTrue(response.content().readableBytes() <= DnsQueryHandler.MAX_UDP_RESPONSE,
                        () -> response.content().readableBytes() + " bytes over UDP");
                assertEquals(((input[0] & 0xff) << 8) | (input[1] & 0xff), response.content().getUnsignedShort(0));
                assertDecodes(response);
            }
            assertTrue(forwarded.size() <= 1);
        } finally {
            responses.forEach(DatagramPacket::release);
            channel.finishAndReleaseAll();
        }
        assertEquals(0, bytes.refCnt(), "the datagram was never released");
    }

    private static void assertDecodes(DatagramPacket packet) {
        EmbeddedChannel decoder = new EmbeddedChannel(new DatagramDnsResponseDecoder());
        decoder.writeInbound(new DatagramPacket(packet.content().retainedDuplicate(), POD, PROXY));
        DnsResponse decoded = decoder.readInbound();
        decoded.release();
        decoder.finishAndReleaseAll();
    }
}
