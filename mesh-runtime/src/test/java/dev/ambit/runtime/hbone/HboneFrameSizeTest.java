package dev.ambit.runtime.hbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.testing.HboneFixture;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.TestCa;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HBONE endpoints take DATA frames of up to {@link HboneSettings#MAX_FRAME_SIZE}: a large relayed read crosses as one
 * frame, not as 16 KiB pieces each decoded, dispatched and flushed on its own.
 */
@ExtendWith(LeakDetectorExtension.class)
@Timeout(30)
class HboneFrameSizeTest {

    private static final SpiffeId CLIENT = TestCa.identity("demo", "client");
    private static final SpiffeId SERVER = TestCa.identity("demo", "echo");
    private static final int WRITE = 256 * 1024;

    private final TestCa ca = new TestCa();

    @Test
    void aLargeWriteCrossesInFramesLargerThanTheProtocolDefault() throws Exception {
        List<Integer> frames = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        HboneStreamAcceptor recording = stream -> {
            stream.accept();
            stream.channel().pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    // The stream's pipeline hands each DATA frame's payload on as one buffer.
                    if (msg instanceof ByteBuf payload) {
                        frames.add(payload.readableBytes());
                        if (frames.stream().mapToInt(Integer::intValue).sum() >= WRITE) {
                            ended.complete(null);
                        }
                    }
                    ReferenceCountUtil.release(msg);
                    ctx.read();
                }

                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    // The client's reset at the end of the test: the stream is done.
                    ctx.close();
                }
            });
            stream.channel().read();
        };
        try (HboneFixture fixture = new HboneFixture(ca, ca.issue(SERVER, Duration.ofHours(1)), recording)) {
            Http2StreamChannel stream = fixture.connect(fixture.client(ca.issue(CLIENT, Duration.ofHours(1))),
                    CLIENT, SERVER).get(10, TimeUnit.SECONDS);
            stream.writeAndFlush(Unpooled.wrappedBuffer(new byte[WRITE]));
            ended.get(10, TimeUnit.SECONDS);
            // Reset, so that closing the server does not wait out its graceful shutdown for this stream.
            stream.close().syncUninterruptibly();
        }
        assertEquals(WRITE, frames.stream().mapToInt(Integer::intValue).sum());
        int largest = frames.stream().mapToInt(Integer::intValue).max().orElse(0);
        assertTrue(largest > 16 * 1024, "largest DATA frame " + largest + " bytes, frames " + frames);
        assertTrue(frames.size() <= 4, "a 256 KiB write in a few frames, not 16: " + frames);
    }
}
