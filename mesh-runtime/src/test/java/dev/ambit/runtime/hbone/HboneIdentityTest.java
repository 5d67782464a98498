package dev.ambit.runtime.hbone;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.transport.FailureReason;
import dev.ambit.runtime.testing.HboneFixture;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.TestCa;
import dev.ambit.runtime.tls.TlsContextSource;
import dev.ambit.runtime.tls.WorkloadCertificate;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both ends of an HBONE connection check who the other is; nothing else gets a stream. */
@ExtendWith(LeakDetectorExtension.class)
class HboneIdentityTest {

    private static final SpiffeId CLIENT = TestCa.identity("demo", "client");
    private static final SpiffeId SERVER = TestCa.identity("demo", "echo");

    private final TestCa ca = new TestCa();

    @Test
    void serverWithTheExpectedIdentityCarriesTheStream() throws Exception {
        try (HboneFixture fixture = serverPresenting(ca.issue(SERVER, Duration.ofHours(1)))) {
            Future<Http2StreamChannel> stream = fixture.connect(validClient(fixture), CLIENT, SERVER);
            assertTrue(stream.isSuccess(), () -> "stream failed: " + stream.cause());
            CompletableFuture<String> echoed = new CompletableFuture<>();
            Http2StreamChannel channel = stream.getNow();
            channel.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                    echoed.complete(msg.toString(StandardCharsets.US_ASCII));
                }
            });
            channel.writeAndFlush(Unpooled.copiedBuffer("ping", StandardCharsets.US_ASCII));
            channel.read();
            assertEquals("ping", echoed.get(10, TimeUnit.SECONDS));
            channel.close().sync();
        }
    }

    @Test
    void serverWithAnotherIdentityIsRefused() {
        WorkloadCertificate impostor = ca.issue(TestCa.identity("demo", "impostor"), Duration.ofHours(1));
        try (HboneFixture fixture = serverPresenting(impostor)) {
            assertRefused(fixture.connect(validClient(fixture), CLIENT, SERVER), FailureReason.IDENTITY_MISMATCH);
        }
    }

    @Test
    void serverWithAnExpiredCertificateIsRefused() {
        try (HboneFixture fixture = serverPresenting(ca.issueExpired(SERVER))) {
            assertRefused(fixture.connect(validClient(fixture), CLIENT, SERVER), FailureReason.TLS_HANDSHAKE);
        }
    }

    @Test
    void serverFromAForeignCaIsRefused() {
        TestCa foreign = new TestCa();
        try (HboneFixture fixture = serverPresenting(foreign.issue(SERVER, Duration.ofHours(1)))) {
            assertRefused(fixture.connect(validClient(fixture), CLIENT, SERVER), FailureReason.TLS_HANDSHAKE);
        }
    }

    @Test
    void clientFromAForeignCaIsRefusedByTheServer() {
        TestCa foreign = new TestCa();
        try (HboneFixture fixture = serverPresenting(ca.issue(SERVER, Duration.ofHours(1)))) {
            TlsContextSource client = fixture.client(foreign.issue(CLIENT, Duration.ofHours(1)));
            assertFalse(fixture.connect(client, CLIENT, SERVER).isSuccess());
            assertEquals(1, fixture.serverMetrics().failures(FailureReason.TLS_HANDSHAKE));
        }
    }

    @Test
    void clientWithAnExpiredCertificateIsRefusedByTheServer() {
        try (HboneFixture fixture = serverPresenting(ca.issue(SERVER, Duration.ofHours(1)))) {
            TlsContextSource client = fixture.client(ca.issueExpired(CLIENT));
            assertFalse(fixture.connect(client, CLIENT, SERVER).isSuccess());
            assertEquals(1, fixture.serverMetrics().failures(FailureReason.TLS_HANDSHAKE));
        }
    }

    private HboneFixture serverPresenting(WorkloadCertificate certificate) {
        return new HboneFixture(ca, certificate);
    }

    private TlsContextSource validClient(HboneFixture fixture) {
        return fixture.client(ca.issue(CLIENT, Duration.ofHours(1)));
    }

    private static void assertRefused(Future<Http2StreamChannel> stream, FailureReason expected) {
        assertTrue(stream.isDone(), "connection attempt did not finish");
        assertFalse(stream.isSuccess(), "stream to a server that must be refused was established");
        assertEquals(expected, HboneFailures.classify(stream.cause()), () -> "cause: " + stream.cause());
    }
}
