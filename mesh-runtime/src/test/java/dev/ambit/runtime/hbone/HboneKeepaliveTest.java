package dev.ambit.runtime.hbone;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.testing.HboneFixture;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.TestCa;
import dev.ambit.runtime.testing.Waits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PING keepalive of pooled HBONE connections: an answering peer keeps its connection, a silent one loses it. */
@ExtendWith(LeakDetectorExtension.class)
@Timeout(30)
class HboneKeepaliveTest {

    private static final SpiffeId CLIENT = TestCa.identity("demo", "client");
    private static final SpiffeId SERVER = TestCa.identity("demo", "echo");
    private static final Duration INTERVAL = Duration.ofMillis(250);
    private static final Duration TIMEOUT = Duration.ofMillis(1500);
    private static final HboneSettings SETTINGS = HboneFixture.SETTINGS.withKeepalive(INTERVAL, TIMEOUT);

    private final TestCa ca = new TestCa();

    @Test
    void anIdleConnectionToAnAnsweringPeerStaysUp() throws Exception {
        try (HboneFixture fixture = new HboneFixture(ca, ca.issue(SERVER, Duration.ofHours(1)), SETTINGS)) {
            Http2StreamChannel stream = open(fixture);
            // Ten intervals without a byte of traffic: each PING is answered, none times out.
            Thread.sleep(10 * INTERVAL.toMillis());
            assertTrue(stream.parent().isActive(), "the idle connection was closed");
            assertEquals("still here", echo(stream, "still here"));
            stream.close().sync();
        }
    }

    @Test
    void aConnectionToASilentPeerIsClosedWithItsStreams() throws Exception {
        try (HboneFixture fixture = new HboneFixture(ca, ca.issue(SERVER, Duration.ofHours(1)), SETTINGS)) {
            Http2StreamChannel stream = open(fixture);
            try (AutoCloseable stalled = fixture.stall()) {
                // Quiet for an interval, then unanswered for the timeout: well within five seconds.
                assertTrue(stream.parent().closeFuture().await(5, TimeUnit.SECONDS),
                        "the connection to a silent peer is still open");
                assertTrue(stream.closeFuture().await(1, TimeUnit.SECONDS), "its stream is still open");
            }
            // The peer, back, finds the connection closed and drops it with its stream.
            Waits.until("server connection closed", Duration.ofSeconds(5), () -> fixture.serverConnections() == 0);
        }
    }

    private Http2StreamChannel open(HboneFixture fixture) throws Exception {
        return fixture.connect(fixture.client(ca.issue(CLIENT, Duration.ofHours(1))), CLIENT, SERVER)
                .get(10, TimeUnit.SECONDS);
    }

    private static String echo(Http2StreamChannel stream, String text) throws Exception {
        CompletableFuture<String> echoed = new CompletableFuture<>();
        stream.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                echoed.complete(msg.toString(StandardCharsets.US_ASCII));
            }
        });
        stream.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
        stream.read();
        return echoed.get(10, TimeUnit.SECONDS);
    }
}
