package dev.ambit.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.runtime.testing.AvailableTransports;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.Waits;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a receiving tunnel met under short-lived connections: in one pass over epoll's ready events, handling one
 * socket closes a second and opens a third, which gets the second's descriptor number, and the second's event, still
 * in that pass, reaches the third before it has connected. Its read fails with "not yet connected"; that failure
 * must not reach the new connection's handlers (a relay would take it for a broken pod connection, and Netty logs a
 * stack trace at the end of a pipeline that does not handle it).
 */
@ExtendWith(LeakDetectorExtension.class)
@Timeout(30)
class StaleReadsBeforeConnectTest {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    @Test
    void anEventOfAClosedSocketDoesNotReachTheSocketThatReusedItsNumber() throws Exception {
        Transport transport = AvailableTransports.require(Transport.Kind.EPOLL, false);
        EventLoopGroup group = transport.newEventLoopGroup(1, "stale-reads");
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            EventLoop loop = group.next();
            Channel trigger = connect(transport, loop, server, accepted);
            Channel closing = connect(transport, loop, server, accepted);
            Recorder fresh = new Recorder();
            CompletableFuture<Channel> opened = new CompletableFuture<>();
            int closingNumber = ((EpollSocketChannel) closing).fd().intValue();
            trigger.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ((ByteBuf) msg).release();
                    // As a tunnel does when a stream's END_STREAM ends one relay and the next CONNECT arrives: the
                    // closed socket's number is free, and the new channel is registered before it connects.
                    closing.close();
                    Channel next = transport.bootstrap(loop, CONNECT_TIMEOUT).handler(fresh).register().channel();
                    opened.complete(next);
                }
            });
            closing.pipeline().addLast(new ChannelInboundHandlerAdapter());
            // Both sockets wait for bytes, and both receive some while the loop is busy: its next pass over epoll's
            // events then sees the trigger's first, and the closing socket's after it.
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
            accepted.get(0).getOutputStream().write(1);
            Thread.sleep(20);
            accepted.get(1).getOutputStream().write(1);
            Thread.sleep(20);
            release.countDown();

            Channel next = opened.get(10, TimeUnit.SECONDS);
            loop.submit(() -> { }).sync(); // the rest of that pass
            assertEquals(closingNumber, ((EpollSocketChannel) next).fd().intValue(),
                    "the new socket took the closed one's number (the condition this test is about)");
            assertEquals(List.of(), fresh.exceptions, "what reached the new socket's handler");

            // Once connected, the guard is gone and the socket's own failures reach its handlers as before.
            next.connect(server.getLocalSocketAddress()).sync();
            accepted.add(server.accept());
            loop.submit(() -> { }).sync();
            assertNull(next.pipeline().get(StaleReadsBeforeConnect.NAME), "the guard, once connected");
            next.pipeline().fireExceptionCaught(new IllegalStateException("its own"));
            loop.submit(() -> { }).sync();
            assertEquals(List.of("java.lang.IllegalStateException: its own"), fresh.exceptions);
            next.close().sync();
            trigger.close().sync();
        } finally {
            for (Socket socket : accepted) {
                socket.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static Channel connect(Transport transport, EventLoop loop, ServerSocket server, List<Socket> accepted)
            throws Exception {
        Future<Channel> connecting = transport.connect(loop, (InetSocketAddress) server.getLocalSocketAddress(),
                CONNECT_TIMEOUT);
        accepted.add(server.accept());
        return connecting.get(10, TimeUnit.SECONDS);
    }

    /** The new connection's handler: the exceptions that reach it. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {

        final List<String> exceptions = new CopyOnWriteArrayList<>();

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            exceptions.add(cause.toString());
        }

        @Override
        public boolean isSharable() {
            return false;
        }
    }
}
