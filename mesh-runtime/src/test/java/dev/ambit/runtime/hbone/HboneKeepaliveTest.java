package dev.ambit.runtime.hbone;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.testing.HboneFixture;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.TestCa;
import dev.ambit.runtime.testing.Waits;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
            AtomicInteger answers = new AtomicInteger();
            Channel connection = stream.parent();
            connection.eventLoop().submit(() -> connection.pipeline().addBefore(
                    connection.pipeline().context(PooledConnectionHandler.class).name(), "count-ping-answers",
                    new PingAnswers(answers))).sync();
            // No byte of traffic, and PINGs answered for longer than the timeout: the next PING goes out an interval
            // after an answer, so had the answers not counted, the timeout would have closed the connection (on the
            // same loop, by an earlier deadline) before this many were sent.
            int enough = (int) (TIMEOUT.toMillis() / INTERVAL.toMillis()) + 2;
            Waits.until(enough + " PINGs answered", Duration.ofSeconds(10), () -> answers.get() >= enough);
            assertTrue(connection.isActive(), "the idle connection was closed");
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

    /** Counts the PING answers (ACKs) a connection receives, and passes everything on. */
    private static final class PingAnswers extends ChannelInboundHandlerAdapter {

        private final AtomicInteger answers;

        PingAnswers(AtomicInteger answers) {
            this.answers = answers;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2PingFrame ping && ping.ack()) {
                answers.incrementAndGet();
            }
            ctx.fireChannelRead(msg);
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
