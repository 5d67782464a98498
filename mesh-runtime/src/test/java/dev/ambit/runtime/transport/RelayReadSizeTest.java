package dev.ambit.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.runtime.testing.AvailableTransports;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ChannelOption;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A relayed socket with a backlog is read in buffers that grow past Netty's default 64 KiB, up to 256 KiB, as
 * ztunnel grows its own: under bulk load each read is one turn of the relay, and every read was full at 64 KiB.
 */
@ExtendWith(LeakDetectorExtension.class)
@Timeout(30)
class RelayReadSizeTest {

    private static final int KIB = 1024;
    /** Asked of both ends' socket buffers (the kernel caps it at net.core.[rw]mem_max, 208 KiB by default). */
    private static final int BUFFERS = 1024 * KIB;

    @ParameterizedTest
    @EnumSource(Transport.Kind.class)
    void aBacklogIsReadInBuffersOfUpTo256KiB(Transport.Kind kind) throws Exception {
        Transport transport = AvailableTransports.require(kind, false);
        EventLoopGroup group = transport.newEventLoopGroup(1, "relay-read-size");
        AtomicInteger largest = new AtomicInteger();
        AtomicLong received = new AtomicLong();
        AtomicLong expected = new AtomicLong(Long.MAX_VALUE);
        CompletableFuture<Channel> accepted = new CompletableFuture<>();
        CompletableFuture<Void> all = new CompletableFuture<>();
        try {
            Channel listener = transport.serverBootstrap(group)
                    .childOption(ChannelOption.SO_RCVBUF, BUFFERS)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel channel) {
                            channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    ByteBuf bytes = (ByteBuf) msg;
                                    largest.accumulateAndGet(bytes.readableBytes(), Math::max);
                                    if (received.addAndGet(bytes.readableBytes()) >= expected.get()) {
                                        all.complete(null);
                                    }
                                    bytes.release();
                                }

                                @Override
                                public void channelReadComplete(ChannelHandlerContext ctx) {
                                    ctx.read(); // on demand, as the bridge reads
                                }
                            });
                            accepted.complete(channel);
                        }
                    })
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            try (SocketChannel client = SocketChannel.open()) {
                client.setOption(StandardSocketOptions.SO_SNDBUF, BUFFERS);
                client.connect(listener.localAddress());
                // A backlog waits in the sockets before the first read: whatever the kernel takes without a reader.
                client.configureBlocking(false);
                ByteBuffer chunk = ByteBuffer.allocate(64 * KIB);
                long backlog = 0;
                for (int written; (written = client.write(chunk.clear())) > 0; ) {
                    backlog += written;
                }
                assertTrue(backlog > 300 * KIB, "only " + backlog + " bytes queued: too few to read 1 + 16 + 256 KiB");
                expected.set(backlog);
                accepted.get(5, TimeUnit.SECONDS).read();
                all.get(20, TimeUnit.SECONDS);
                assertEquals(backlog, received.get());
            }
            listener.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
        assertTrue(largest.get() > 64 * KIB && largest.get() <= 256 * KIB,
                "largest read " + largest.get() + " bytes: expected more than 64 KiB, at most 256 KiB");
    }
}
