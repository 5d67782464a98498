package dev.ambit.runtime.bridge;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.testing.HboneFixture;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.TestCa;
import dev.ambit.runtime.testing.Waits;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.Http2StreamChannel;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A bridge between channels on different event loops, as a client socket and its pooled HBONE stream often are. */
@ExtendWith(LeakDetectorExtension.class)
@Timeout(30)
class BridgeTest {

    private static final SpiffeId CLIENT = TestCa.identity("demo", "client");
    private static final SpiffeId SERVER = TestCa.identity("demo", "echo");
    private static final int MIB = 1024 * 1024;

    /**
     * While the stream's event loop is busy, what the bridge writes to it from the socket's loop waits in that loop's
     * task queue. The stream must count it, so that the bridge stops reading the socket at the stream's write buffer
     * limit instead of queueing whatever the client sends (node A ran out of direct memory under iperf3 -P 8).
     */
    @Test
    void stopsReadingWhileAStreamOnAnotherLoopIsBusy() throws Exception {
        TestCa ca = new TestCa();
        EventLoopGroup socketLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (HboneFixture fixture = new HboneFixture(ca, ca.issue(SERVER, Duration.ofHours(1)));
                ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Http2StreamChannel stream = fixture.connect(fixture.client(ca.issue(CLIENT, Duration.ofHours(1))),
                    CLIENT, SERVER).get(10, TimeUnit.SECONDS);
            ReadRequests reads = new ReadRequests();
            Channel socket = new Bootstrap().group(socketLoop).channel(NioSocketChannel.class)
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(reads)
                    .connect(listener.getLocalSocketAddress()).sync().channel();
            AtomicLong bridged = new AtomicLong();
            CountDownLatch busy = new CountDownLatch(1);
            try (Socket client = listener.accept()) {
                stream.eventLoop().execute(() -> Waits.awaitQuietly(busy, Duration.ofSeconds(20)));
                Bridge.join(socket, stream, new CountingObserver(bridged));
                Thread writer = new Thread(() -> write(client, 32L * MIB), "client-writer");
                writer.setDaemon(true);
                writer.start();
                // Past the first reads, the bridge must stop: the stream's loop has taken nothing yet. It has stopped
                // once no read is asked for: with autoRead off the socket delivers nothing more until one is, and
                // only the busy stream's loop could make the bridge ask again.
                Waits.until("bridge reads", Duration.ofSeconds(10), () -> bridged.get() > 0);
                Waits.until("the bridge to ask for no more reads", Duration.ofSeconds(10),
                        () -> socket.eventLoop().submit(reads::stopped).syncUninterruptibly().getNow());
                assertTrue(bridged.get() < 2L * MIB, "bridged " + bridged.get() + " bytes into a busy stream");
            } finally {
                busy.countDown();
                socket.close().sync();
                stream.close().sync();
            }
        } finally {
            socketLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static void write(Socket socket, long bytes) {
        byte[] chunk = new byte[64 * 1024];
        try {
            OutputStream out = socket.getOutputStream();
            for (long left = bytes; left > 0; left -= chunk.length) {
                out.write(chunk);
            }
        } catch (IOException closed) {
            // the test is over
        }
    }

    /**
     * First in the socket's pipeline: whether a read asked for ({@code read()}) is still to come. Netty clears its own
     * read-pending flag as a read delivers, before the handlers see it, and so does this; used on the channel's loop.
     */
    private static final class ReadRequests extends ChannelDuplexHandler {

        private boolean asked;
        private boolean delivered;

        @Override
        public void read(ChannelHandlerContext ctx) {
            asked = true;
            ctx.read();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            asked = false;
            delivered = true;
            ctx.fireChannelRead(msg);
        }

        /** Something was read, and no read is asked for since. */
        boolean stopped() {
            return delivered && !asked;
        }
    }

    private record CountingObserver(AtomicLong sent) implements TrafficObserver {

        @Override
        public void sent(int bytes) {
            sent.addAndGet(bytes);
        }

        @Override
        public void received(int bytes) {
        }

        @Override
        public void finished(boolean aborted) {
        }
    }
}
