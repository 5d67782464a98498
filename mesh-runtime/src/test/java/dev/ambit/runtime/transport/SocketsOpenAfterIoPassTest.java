package dev.ambit.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.runtime.testing.AvailableTransports;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.UnhandledExceptions;
import dev.ambit.runtime.testing.Waits;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.Future;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a receiving tunnel met under short-lived connections: in one pass over epoll's ready events, handling one
 * socket closes a second and opens a third, which takes the second's descriptor number. Opened in the middle of the
 * pass, the third received the second's hang-up still waiting in it: a read that failed as "not yet connected" and
 * an input marked as shut before it connected. {@link Transport#connect} opens its socket after the pass instead, so
 * the new connection starts clean and carries the peer's bytes and end of input like any other.
 */
@ExtendWith(LeakDetectorExtension.class)
@Timeout(30)
class SocketsOpenAfterIoPassTest {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** Attempts at most: the condition needs the freed number to be the lowest free one when the socket opens. */
    private static final int ATTEMPTS = 8;

    @Test
    void aSocketOpenedWhileAnotherClosesDoesNotGetTheClosedOnesEvents() throws Exception {
        Transport transport = AvailableTransports.require(Transport.Kind.EPOLL, false);
        EventLoopGroup group = transport.newEventLoopGroup(1, "after-io-pass");
        List<Socket> accepted = new ArrayList<>();
        List<Channel> opened = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            EventLoop loop = group.next();
            // Another test's closed descriptor may be a lower free number than the one closed here. Every attempt's
            // sockets stay open until the end, filling such gaps, until an attempt's new socket takes the number.
            boolean reused = false;
            for (int i = 0; i < ATTEMPTS && !reused; i++) {
                Attempt attempt = attempt(transport, loop, server, accepted, opened);
                assertEquals(List.of(), UnhandledExceptions.drain(), "exceptions at the end of a pipeline");
                assertFalse(((DuplexChannel) attempt.next()).isInputShutdown(),
                        "the new socket's input, shut before it connected");
                reused = attempt.reusedNumber();
                if (reused) {
                    assertCarries(loop, attempt.next(), attempt.peer());
                }
            }
            assertTrue(reused, "in " + ATTEMPTS + " attempts no new socket took the closed one's number: the"
                    + " condition this test is about never arose");
        } finally {
            for (Channel channel : opened) {
                channel.close().syncUninterruptibly();
            }
            for (Socket socket : accepted) {
                socket.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /**
     * One pass of the loop that handles a trigger socket's bytes by closing a second socket and connecting a new one,
     * with the second socket's hang-up (its peer's FIN) later in the same pass.
     */
    private static Attempt attempt(Transport transport, EventLoop loop, ServerSocket server, List<Socket> accepted,
            List<Channel> opened) throws Exception {
        InetSocketAddress address = (InetSocketAddress) server.getLocalSocketAddress();
        Channel trigger = connect(transport, loop, server, accepted);
        Socket triggerPeer = accepted.get(accepted.size() - 1);
        Channel closing = connect(transport, loop, server, accepted);
        Socket closingPeer = accepted.get(accepted.size() - 1);
        opened.add(trigger);
        int closingNumber = ((EpollSocketChannel) closing).fd().intValue();
        UnhandledExceptions.drain();
        CompletableFuture<Future<Channel>> opening = new CompletableFuture<>();
        trigger.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ((ByteBuf) msg).release();
                // As a tunnel does when a stream's END_STREAM ends one relay and the next CONNECT arrives.
                closing.close();
                opening.complete(transport.connect(loop, address, CONNECT_TIMEOUT));
            }
        });
        // Both sockets wait for input, and both get some while the loop is busy, so that its next pass sees the
        // trigger's bytes first and the closing socket's hang-up after them.
        loop.submit(() -> {
            trigger.read();
            closing.read();
        }).sync();
        CountDownLatch busy = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        loop.execute(() -> {
            busy.countDown();
            Waits.awaitQuietly(release, Duration.ofSeconds(10));
        });
        assertTrue(busy.await(10, TimeUnit.SECONDS), "the loop to be busy");
        triggerPeer.getOutputStream().write(1);
        Thread.sleep(20);
        closingPeer.shutdownOutput();
        Thread.sleep(20);
        release.countDown();

        // Connected before this thread accepts: a blocking accept takes a descriptor number as it starts waiting.
        Channel next = opening.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
        opened.add(next);
        Socket peer = server.accept();
        accepted.add(peer);
        return new Attempt(next, peer, ((EpollSocketChannel) next).fd().intValue() == closingNumber);
    }

    /** The new connection carries its own peer's bytes, then that peer's end of input. */
    private static void assertCarries(EventLoop loop, Channel next, Socket peer) throws Exception {
        Received received = new Received();
        loop.submit(() -> {
            next.pipeline().addLast(received);
            next.read();
        }).sync();
        OutputStream out = peer.getOutputStream();
        out.write("pong".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        peer.shutdownOutput();
        assertTrue(received.ended.await(10, TimeUnit.SECONDS), "the peer's FIN as an end of input");
        assertEquals("pong", received.text.toString());
    }

    private record Attempt(Channel next, Socket peer, boolean reusedNumber) {
    }

    private static Channel connect(Transport transport, EventLoop loop, ServerSocket server, List<Socket> accepted)
            throws Exception {
        Future<Channel> connecting = transport.connect(loop, (InetSocketAddress) server.getLocalSocketAddress(),
                CONNECT_TIMEOUT);
        accepted.add(server.accept());
        return connecting.get(10, TimeUnit.SECONDS);
    }

    /** What the new connection reads, and whether its input ended. */
    private static final class Received extends ChannelInboundHandlerAdapter {

        final StringBuilder text = new StringBuilder();
        final CountDownLatch ended = new CountDownLatch(1);

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf bytes = (ByteBuf) msg;
            text.append(bytes.toString(StandardCharsets.US_ASCII));
            bytes.release();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.read();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                ended.countDown();
            }
        }
    }
}
