package dev.ambit.runtime.hbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.TrackingAllocator;
import dev.ambit.runtime.testing.UnhandledExceptions;
import dev.ambit.runtime.transport.ConnectionFailures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.DefaultChannelId;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HTTP/2 frames from an authenticated peer into the HBONE server's connection pipeline, built by the production code
 * ({@link ServerHandshakeHandler#installHttp2}) on an {@link EmbeddedChannel} in place of the TLS handshake. The
 * acceptor echoes accepted streams, as a tunnelled connection would carry bytes both ways, and refuses port 9.
 * ({@link RelayServerFuzzTest} runs the same against the node tunnel's frame-level server.)
 *
 * <p>What must hold for any bytes: no exception escapes the connection or any stream's pipeline; what the server
 * writes stays proportional to what it was sent (no amplification, nothing queued without bound); every accepted
 * target is an IP and port that format and parse back to themselves; and no buffer leaks (PARANOID detector).
 */
@ExtendWith(LeakDetectorExtension.class)
class HboneServerFuzzTest {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final SpiffeId PEER = SpiffeId.parse("spiffe://cluster.local/ns/demo/sa/client");
    /** The server's own preface, settings acknowledgements and GOAWAY: well under this. */
    private static final int FIXED_OUTPUT = 4096;
    private static final LocalServerChannel LISTENER = new LocalServerChannel();
    /**
     * The defaults, but closing at once rather than after a graceful GOAWAY: with a graceful close the connection
     * stays open (its timeout runs on the embedded loop's clock), and what it still holds would look leaked.
     */
    static final HboneSettings SETTINGS = withoutGracefulShutdown(HboneSettings.defaults());

    @FuzzTest(maxDuration = "10s")
    void frames(byte[] input) {
        run(input, ServerHandshakeHandler.StreamsInstaller.channels(SETTINGS, HboneServerFuzzTest::acceptOrRefuse,
                ConnectionFailures.IGNORE), () -> { });
    }

    /**
     * Feeds {@code input}, after the client preface, to a connection whose streams {@code streams} installs; then
     * {@code afterInput}; then checks what must hold for any bytes.
     */
    static void run(byte[] input, ServerHandshakeHandler.StreamsInstaller streams, Runnable afterInput) {
        UnhandledExceptions.drain();
        HboneSettings settings = SETTINGS;
        // Accepted by a listener, as in production: Http2MultiplexHandler takes a channel without a server parent for
        // a client's, and would treat the client's streams as pushes.
        EmbeddedChannel connection = new EmbeddedChannel(LISTENER, DefaultChannelId.newInstance(), true, false);
        TrackingAllocator allocator = new TrackingAllocator();
        connection.config().setAllocator(allocator);
        IdleConnectionTimer idle = new IdleConnectionTimer(connection, settings.idleTimeout());
        streams.install(connection, PEER, idle);
        idle.start();

        long preface = drainOutbound(connection);
        ByteBuf bytes = Unpooled.wrappedBuffer(PREFACE, input);
        // Two reads, so that frames split across TCP segments are covered too.
        int split = input.length == 0 ? 0 : PREFACE.length + (input[0] & 0xff) % (input.length + 1);
        connection.writeInbound(bytes.retainedSlice(0, split));
        if (connection.isOpen()) {
            connection.writeInbound(bytes.retainedSlice(split, bytes.readableBytes() - split));
        }
        bytes.release();
        ByteBuf sent = bytes;
        connection.runPendingTasks();
        afterInput.run();
        connection.runPendingTasks();
        long written = preface + drainOutbound(connection);

        connection.checkException();
        assertTrue(written <= FIXED_OUTPUT + 4L * input.length,
                () -> "wrote " + written + " bytes in answer to " + input.length);
        connection.finishAndReleaseAll();
        // Every frame or message cut from the input holds it: all released, or something leaked.
        assertEquals(0, sent.refCnt(), "part of the input was never released");
        assertEquals(List.of(), allocator.unreleased(), "buffers of the connection were never released");
        List<String> unhandled = UnhandledExceptions.drain();
        assertEquals(List.of(), unhandled, "exceptions escaped a pipeline");
    }

    private static HboneSettings withoutGracefulShutdown(HboneSettings d) {
        return new HboneSettings(d.streamWindow(), d.connectionWindow(), d.maxConcurrentStreams(), d.handshakeTimeout(),
                d.connectTimeout(), d.idleTimeout(), Duration.ZERO, d.maxHeaderListSize(), d.maxConnections(),
                d.keepaliveInterval(), d.keepaliveTimeout(), d.maxConnectionsPerPeer());
    }

    private static void acceptOrRefuse(HboneStream stream) {
        assertTrue(stream.target().getPort() >= 1 && stream.target().getPort() <= 65_535);
        assertEquals(stream.target(), ConnectAuthority.parse(ConnectAuthority.format(stream.target())).orElseThrow());
        if (stream.target().getPort() == 9) {
            stream.reject(HttpResponseStatus.FORBIDDEN);
            return;
        }
        stream.channel().pipeline().addLast(new Echo());
        stream.accept().addListener(f -> stream.channel().read());
    }

    static long drainOutbound(EmbeddedChannel channel) {
        long bytes = 0;
        for (Object out; (out = channel.readOutbound()) != null; ) {
            if (out instanceof ByteBuf buf) {
                bytes += buf.readableBytes();
            }
            ReferenceCountUtil.release(out);
        }
        return bytes;
    }

    /** A tunnelled connection that sends back what it receives and ends when its peer does. */
    private static final class Echo extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            ctx.read();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                ctx.writeAndFlush(new DefaultHttp2DataFrame(true));
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
