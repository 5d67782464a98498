package dev.ambit.runtime.hbone;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.bridge.ChannelEnds;
import dev.ambit.runtime.bridge.TrafficObserver;
import dev.ambit.runtime.testing.CountingFailures;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.Loopback;
import dev.ambit.runtime.testing.StaticTlsContexts;
import dev.ambit.runtime.testing.Streams;
import dev.ambit.runtime.testing.TestCa;
import dev.ambit.runtime.testing.Waits;
import io.netty.handler.codec.http.HttpResponseStatus;
import dev.ambit.runtime.tls.TlsContextFactory;
import dev.ambit.runtime.transport.Listener;
import dev.ambit.runtime.transport.Transport;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The node tunnel's inbound relay at the frame level ({@link RelayedStream}): backpressure from a socket that stops
 * reading reaches the client, nothing is lost when it reads again, FIN and END_STREAM cross, and a stream that ends
 * before its socket is relayed closes the socket and reports an abort. (Resets each way, FINs each way and 1,000
 * concurrent streams are covered end to end by the tunnel's own tests.)
 */
@ExtendWith(LeakDetectorExtension.class)
@Timeout(60)
class RelayedStreamTest {

    private static final SpiffeId CLIENT = TestCa.identity("demo", "client");
    private static final SpiffeId SERVER = TestCa.identity("demo", "server");
    private static final int CHUNK = 64 * 1024;

    private final TestCa ca = new TestCa();
    private final Transport transport = Transport.best();
    private final EventLoopGroup serverGroup = transport.newEventLoopGroup(2, "relay-test");
    private final EventLoopGroup clientGroup = transport.newEventLoopGroup(1, "relay-test-client");
    private final TlsContextFactory factory = new TlsContextFactory(ca.trustBundle(), Clock.systemUTC());
    private final RecordingObserver observer = new RecordingObserver();
    private Listener server;
    private HbonePool pool;

    @AfterEach
    void close() {
        if (pool != null) {
            pool.closeConnections().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
        serverGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        clientGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void aSocketThatStopsReadingHoldsTheClientBackAndLosesNothing() throws Exception {
        long total = 48L * 1024 * 1024;
        try (ServerSocket pod = new ServerSocket(0, 1, Loopback.address(1))) {
            start(HboneSettings.defaults(), relayingTo(pod));
            Http2StreamChannel stream = connect(HboneSettings.defaults()).get(10, TimeUnit.SECONDS);
            Sender sender = new Sender(stream, total, 7);
            stream.eventLoop().execute(sender::send);
            try (Socket accepted = pod.accept()) {
                // The pod reads nothing yet: the client's stream must stop taking bytes well before all are sent.
                long heldBackAt = awaitHeldBack(sender);
                assertTrue(heldBackAt < total, "held back after " + heldBackAt + " of " + total + " bytes");

                InputStream in = accepted.getInputStream();
                Streams.Received received = Streams.readAll(in);
                assertEquals(total, received.count());
                assertArrayEquals(sender.digest(), received.digest(), "bytes changed on the way");
                // END_STREAM arrived as a FIN (readAll ended); the pod's FIN goes back as END_STREAM.
                accepted.shutdownOutput();
                Waits.until("the client's stream to close", Duration.ofSeconds(10), () -> !stream.isOpen());
            }
        }
        Waits.until("the relay to finish", Duration.ofSeconds(10), observer.finished::isDone);
        assertFalse(observer.finished.get(), "a relay whose both ends closed cleanly is not an abort");
        assertEquals(total, observer.sent.get());
    }

    @Test
    void aStreamThatEndsBeforeItIsRelayedClosesItsSocketAndCountsAnAbort() throws Exception {
        // The client gives up on an answer after 300 ms and resets its stream; the acceptor relays only then.
        HboneSettings impatient = HboneSettings.defaults()
                .withTimeouts(Duration.ofSeconds(5), Duration.ofMillis(300), Duration.ofSeconds(30));
        try (ServerSocket pod = new ServerSocket(0, 1, Loopback.address(1))) {
            start(impatient, stream -> transport.connect(stream.eventLoop(), address(pod), Duration.ofSeconds(5))
                    .addListener(f -> relayOnceClosed(stream, (Channel) f.getNow())));
            Future<Http2StreamChannel> stream = connect(impatient);
            stream.awaitUninterruptibly(10, TimeUnit.SECONDS);
            assertInstanceOf(HboneConnectException.class, stream.cause());
            try (Socket accepted = pod.accept()) {
                accepted.setSoTimeout(10_000);
                assertEquals(-1, readOrEnd(accepted.getInputStream()), "the socket is closed, not relayed");
            }
        }
        Waits.until("the relay to finish", Duration.ofSeconds(10), observer.finished::isDone);
        assertTrue(observer.finished.get(), "a stream reset before its relay is an abort");
    }

    @Test
    void anAcceptorThatThrowsEndsItsStreamAloneAndTheConnectionServesTheNext() throws Exception {
        AtomicBoolean first = new AtomicBoolean(true);
        try (ServerSocket pod = new ServerSocket(0, 1, Loopback.address(1))) {
            HboneRelayAcceptor relaying = relayingTo(pod);
            start(HboneSettings.defaults(), stream -> {
                if (first.getAndSet(false)) {
                    throw new IllegalStateException("a bug in the acceptor");
                }
                relaying.accept(stream);
            });
            Future<Http2StreamChannel> failed = connect(HboneSettings.defaults());
            failed.awaitUninterruptibly(10, TimeUnit.SECONDS);
            assertInstanceOf(HboneConnectException.class, failed.cause());

            HboneKey key = new HboneKey(CLIENT, server.address(), SERVER);
            Http2StreamChannel stream = pool.connect(key, new InetSocketAddress(Loopback.address(1), 80),
                    clientGroup.next()).get(10, TimeUnit.SECONDS);
            assertEquals(1, pool.connectionCount(key), "the second stream rides the same connection");
            try (Socket accepted = pod.accept()) {
                stream.writeAndFlush(ChannelEnds.payload(stream, Unpooled.copiedBuffer(new byte[] {42})));
                assertEquals(42, accepted.getInputStream().read());
                // Reset, so that no stream is left for the connections' graceful close to wait for.
                stream.close().syncUninterruptibly();
                assertEquals(-1, readOrEnd(accepted.getInputStream()), "the reset reaches the pod");
            }
        }
    }

    private void start(HboneSettings settings, HboneRelayAcceptor acceptor) {
        server = HboneServer.bindRelay(transport, serverGroup, new InetSocketAddress(Loopback.address(5), 0),
                new StaticTlsContexts(factory, ca.issue(SERVER, Duration.ofHours(1))), settings, acceptor,
                new CountingFailures());
    }

    private Future<Http2StreamChannel> connect(HboneSettings settings) {
        pool = new HbonePool(transport, new StaticTlsContexts(factory, ca.issue(CLIENT, Duration.ofHours(1))),
                settings);
        return pool.connect(new HboneKey(CLIENT, server.address(), SERVER), new InetSocketAddress(
                Loopback.address(1), 80), clientGroup.next());
    }

    private HboneRelayAcceptor relayingTo(ServerSocket pod) {
        return stream -> transport.connect(stream.eventLoop(), address(pod), Duration.ofSeconds(5)).addListener(f -> {
            if (f.isSuccess()) {
                stream.relay((Channel) f.getNow(), observer);
            } else {
                stream.reject(HttpResponseStatus.SERVICE_UNAVAILABLE);
            }
        });
    }

    private void relayOnceClosed(RelayedStream stream, Channel socket) {
        if (stream.isOpen()) {
            stream.eventLoop().schedule(() -> relayOnceClosed(stream, socket), 20, TimeUnit.MILLISECONDS);
            return;
        }
        stream.relay(socket, observer);
    }

    /** What the client had written once it stopped: blocked, and no further byte written for 300 ms. */
    private static long awaitHeldBack(Sender sender) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long last = -1;
        while (System.nanoTime() < deadline) {
            long now = sender.written();
            if (sender.blocked() && now == last) {
                return now;
            }
            last = now;
            Thread.sleep(300);
        }
        throw new AssertionError("the client was never held back: it wrote " + sender.written() + " bytes");
    }

    private static InetSocketAddress address(ServerSocket socket) {
        return new InetSocketAddress(socket.getInetAddress(), socket.getLocalPort());
    }

    private static int readOrEnd(InputStream in) throws IOException {
        try {
            return in.read();
        } catch (IOException reset) {
            return -1;
        }
    }

    /** Writes {@code total} random bytes in chunks while the stream is writable, then END_STREAM; discards input. */
    private static final class Sender extends ChannelInboundHandlerAdapter {

        private final Http2StreamChannel stream;
        private final long total;
        private final Random random;
        private final MessageDigest digest;
        private final AtomicLong written = new AtomicLong();
        private final AtomicBoolean blocked = new AtomicBoolean();

        Sender(Http2StreamChannel stream, long total, long seed) throws Exception {
            this.stream = stream;
            this.total = total;
            this.random = new Random(seed);
            this.digest = MessageDigest.getInstance("SHA-256");
            stream.pipeline().addLast(this);
        }

        void send() {
            while (written.get() < total && stream.isWritable()) {
                byte[] chunk = new byte[(int) Math.min(CHUNK, total - written.get())];
                random.nextBytes(chunk);
                digest.update(chunk);
                written.addAndGet(chunk.length);
                stream.write(ChannelEnds.payload(stream, Unpooled.wrappedBuffer(chunk)), stream.voidPromise());
            }
            stream.flush();
            if (written.get() == total) {
                ChannelEnds.shutdownOutput(stream);
                stream.read();
            } else {
                blocked.set(true);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (stream.isWritable()) {
                send();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            ctx.read();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            // The pod's FIN, as END_STREAM: both directions are done and the stream closes.
            ReferenceCountUtil.release(evt);
        }

        boolean blocked() {
            return blocked.get();
        }

        long written() {
            return written.get();
        }

        byte[] digest() {
            return digest.digest();
        }
    }

    private static final class RecordingObserver implements TrafficObserver {

        final AtomicLong sent = new AtomicLong();
        final AtomicLong received = new AtomicLong();
        final CompletableFuture<Boolean> finished = new CompletableFuture<>();

        @Override
        public void sent(int bytes) {
            sent.addAndGet(bytes);
        }

        @Override
        public void received(int bytes) {
            received.addAndGet(bytes);
        }

        @Override
        public void finished(boolean aborted) {
            if (!finished.complete(aborted)) {
                throw new AssertionError("finished twice");
            }
        }
    }
}
