package dev.ambit.runtime.hbone;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.testing.HboneFixture;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.TestCa;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.Future;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A draining peer (a tunnel handing over to its successor) answers GOAWAY; a CONNECT it never saw is opened again
 * on another connection instead of failing the application's connection.
 */
@ExtendWith(LeakDetectorExtension.class)
class HboneGoAwayRetryTest {

    private static final SpiffeId CLIENT = TestCa.identity("demo", "client");
    private static final SpiffeId SERVER = TestCa.identity("demo", "echo");

    private final TestCa ca = new TestCa();

    @Test
    void aStreamBeyondThePeersGoAwayIsOpenedAgainOnANewConnection() throws Exception {
        AtomicInteger streams = new AtomicInteger();
        HboneStreamAcceptor drainingOnce = stream -> {
            if (streams.getAndIncrement() == 0) {
                goAwayNamingNoStream(stream.channel().parent());
            } else {
                HboneFixture.echo(stream);
            }
        };
        try (HboneFixture fixture = new HboneFixture(ca, ca.issue(SERVER, Duration.ofHours(1)), drainingOnce)) {
            Future<Http2StreamChannel> stream = fixture.connect(
                    fixture.client(ca.issue(CLIENT, Duration.ofHours(1))), CLIENT, SERVER);

            assertTrue(stream.isSuccess(), () -> "stream failed: " + stream.cause());
            assertEquals(2, streams.get(), "refused once by GOAWAY, then carried on a second connection");
            assertEquals("ping", echo(stream.getNow(), "ping"));
            stream.getNow().close().sync();
        }
    }

    /** What a server that never saw the stream says: GOAWAY with last stream id 0. */
    private static void goAwayNamingNoStream(Channel connection) {
        Http2ConnectionHandler http2 = connection.pipeline().get(Http2ConnectionHandler.class);
        http2.goAway(connection.pipeline().context(http2), 0, Http2Error.NO_ERROR.code(), Unpooled.EMPTY_BUFFER,
                connection.newPromise());
        connection.flush();
    }

    private static String echo(Http2StreamChannel channel, String text) throws Exception {
        CompletableFuture<String> echoed = new CompletableFuture<>();
        channel.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                echoed.complete(msg.toString(StandardCharsets.US_ASCII));
            }
        });
        channel.writeAndFlush(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
        channel.read();
        return echoed.get(10, TimeUnit.SECONDS);
    }
}
