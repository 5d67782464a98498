package dev.ambit.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.runtime.testing.AvailableTransports;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.Waits;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A socket with {@code autoRead} off is read only when asked, on every transport the tunnel runs: the bridge's
 * backpressure rests on it. (Netty's multishot recv, which a buffer ring would use by default, keeps delivering
 * data nobody asked for: through the socket fast path that filled the tunnel's direct memory.)
 */
@ExtendWith(LeakDetectorExtension.class)
@Timeout(30)
class ReadOnDemandTest {

    private static final int MIB = 1024 * 1024;
    private static final Pattern BACKOFF = Pattern.compile("\\bbackoff:(\\d+)");

    @ParameterizedTest(name = "{0} (fast path: {1})")
    @CsvSource({"IO_URING, false", "IO_URING, true", "EPOLL, false", "NIO, false"})
    void aSocketNobodyReadsReceivesNothingMore(Transport.Kind kind, boolean socketFastPath) throws Exception {
        AtomicLong delivered = new AtomicLong();
        CountDownLatch firstRead = new CountDownLatch(1);
        try (Server server = new Server(kind, socketFastPath, () -> new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.read(); // one read, never another
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                delivered.addAndGet(((ByteBuf) msg).readableBytes());
                ((ByteBuf) msg).release();
                firstRead.countDown();
            }
        }); Socket client = new Socket()) {
            client.connect(server.address(), 5_000);
            Thread writer = new Thread(() -> write(client), "read-on-demand-writer");
            writer.setDaemon(true);
            writer.start();
            assertTrue(firstRead.await(10, TimeUnit.SECONDS), "the one read asked for");
            // The server's receive window stays shut only while nothing drains its socket: reads nobody asked for
            // (multishot recv, autoRead) come before, or keep it opening, and then this wait fails.
            Waits.until("the client to probe a zero window twice", Duration.ofSeconds(20),
                    () -> zeroWindowProbedTwice(client));
            // With autoRead off one read() is one read of a buffer (16 KiB at most): 1 MiB is a loose bound.
            assertTrue(delivered.get() <= MIB, delivered.get() + " bytes delivered to a reader that asked once");
        }
    }

    /**
     * A FIN that arrives while nobody asked to read still reaches the pipeline, as a half-closure and not a close:
     * the bridge asks for a read only after it forwarded the last bytes, and a client may end in between.
     */
    @ParameterizedTest(name = "{0} (fast path: {1})")
    @CsvSource({"IO_URING, false", "IO_URING, true", "EPOLL, false", "NIO, false"})
    void aFinThatArrivesBetweenReadsIsSeen(Transport.Kind kind, boolean socketFastPath) throws Exception {
        CountDownLatch firstRead = new CountDownLatch(1);
        CountDownLatch finSeen = new CountDownLatch(1);
        CountDownLatch finSent = new CountDownLatch(1);
        try (Server server = new Server(kind, socketFastPath, () -> new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.read();
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ((ByteBuf) msg).release();
                firstRead.countDown();
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                // The next read is asked for only once the FIN is on its way (off the loop).
                ctx.executor().execute(() -> {
                    Waits.awaitQuietly(finSent, Duration.ofSeconds(10));
                    ctx.executor().schedule(ctx::read, 100, TimeUnit.MILLISECONDS);
                });
            }

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                if (evt instanceof ChannelInputShutdownEvent) {
                    finSeen.countDown();
                }
            }
        }); Socket client = new Socket()) {
            client.connect(server.address(), 5_000);
            client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            assertTrue(firstRead.await(10, TimeUnit.SECONDS), "the first read");
            client.shutdownOutput();
            finSent.countDown();
            assertTrue(finSeen.await(5, TimeUnit.SECONDS), "the FIN seen by the read asked for after it came");
        }
    }

    /** A listener on one event loop of the transport under test; each accepted socket gets a handler of its own. */
    private static final class Server implements AutoCloseable {

        private final EventLoopGroup group;
        private final Channel listener;

        Server(Transport.Kind kind, boolean socketFastPath, Supplier<ChannelHandler> handler)
                throws InterruptedException {
            Transport transport = AvailableTransports.require(kind, socketFastPath);
            group = transport.newEventLoopGroup(1, "read-on-demand");
            try {
                listener = transport.serverBootstrap(group)
                        .childHandler(new ChannelInitializer<>() {
                            @Override
                            protected void initChannel(Channel channel) {
                                channel.pipeline().addLast(handler.get());
                            }
                        })
                        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            } catch (InterruptedException | RuntimeException e) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
                throw e;
            }
        }

        SocketAddress address() {
            return listener.localAddress();
        }

        @Override
        public void close() {
            listener.close().syncUninterruptibly();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * Whether {@code client}'s kernel has probed a zero window twice (ss: the persist timer runs, backoff 2 or more):
     * its peer's receive buffer stayed full from one probe to the next, hundreds of milliseconds, with nothing
     * draining it. A window that closes while a reader drains the socket opens again within microseconds, before the
     * first probe's answer, which resets the backoff.
     */
    private static boolean zeroWindowProbedTwice(Socket client) {
        try {
            Process ss = new ProcessBuilder("ss", "-tinoH", "sport = :" + client.getLocalPort(),
                    "dport = :" + client.getPort()).redirectErrorStream(true).start();
            String state = new String(ss.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (ss.waitFor() != 0) {
                throw new IllegalStateException("ss failed: " + state);
            }
            Matcher backoff = BACKOFF.matcher(state);
            return state.contains("timer:(persist") && backoff.find() && Integer.parseInt(backoff.group(1)) >= 2;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void write(Socket client) {
        byte[] chunk = new byte[64 * 1024];
        try {
            OutputStream out = client.getOutputStream();
            for (int sent = 0; sent < 64 * MIB; sent += chunk.length) {
                out.write(chunk);
            }
        } catch (IOException closed) {
            // The test is over.
        }
    }
}
