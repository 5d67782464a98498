package dev.ambit.runtime.hbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.testing.HboneFixture;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.TestCa;
import dev.ambit.runtime.testing.Waits;
import dev.ambit.runtime.transport.Transport;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The pool keeps each stream on a connection of the event loop that asked for it: relayed bytes stay on one thread. */
@ExtendWith(LeakDetectorExtension.class)
@Timeout(30)
class HbonePoolAffinityTest {

    private static final SpiffeId CLIENT = TestCa.identity("demo", "client");
    private static final SpiffeId SERVER = TestCa.identity("demo", "echo");

    private final TestCa ca = new TestCa();

    @Test
    void streamsShareAConnectionPerEventLoopAndNeverCrossLoops() {
        try (Client client = new Client(2)) {
            EventLoop first = client.loops.next();
            EventLoop second = client.loops.next();
            Http2StreamChannel a = client.open(first);
            Http2StreamChannel b = client.open(first);
            assertSame(a.parent(), b.parent(), "two streams from one loop share its connection");
            assertSame(first, a.parent().eventLoop());
            assertEquals(1, client.connections());

            Http2StreamChannel c = client.open(second);
            assertSame(second, c.parent().eventLoop(), "another loop dials a connection of its own");
            assertEquals(2, client.connections());
        }
    }

    /**
     * Past the per-peer bound, a loop without a connection of its own shares the least loaded one: what a server
     * counts against the client identity stays bounded however many loops the client has.
     */
    @Test
    void loopsBeyondThePeerBoundShareTheLeastLoadedConnectionInsteadOfDialling() {
        int bound = HbonePool.AFFINITY_CONNECTIONS_PER_PEER;
        try (Client client = new Client(bound + 1)) {
            List<EventLoop> loops = new ArrayList<>();
            client.loops.forEach(loop -> loops.add((EventLoop) loop));
            Http2StreamChannel busiest = client.open(loops.get(0));
            client.open(loops.get(0));
            List<Channel> others = new ArrayList<>();
            for (EventLoop loop : loops.subList(1, bound)) {
                others.add(client.open(loop).parent());
            }
            assertEquals(bound, client.connections());

            Http2StreamChannel beyond = client.open(loops.get(bound));
            assertEquals(bound, client.connections(), "no connection dialled past the bound");
            assertNotSame(busiest.parent(), beyond.parent(), "the loop with two streams is not the least loaded");
            assertTrue(others.contains(beyond.parent()), "shared one of the connections carrying one stream");
        }
    }

    /** The idle timeout counts from a connection's last stream, not from an earlier idle spell's timer. */
    @Test
    void aConnectionUsedAgainWhileIdleIsKeptForAWholeIdleTimeoutAfter() throws InterruptedException {
        // The second use comes 0.6 x idle into the first idle spell, which leaves 2 s either side of the timers.
        Duration idle = Duration.ofSeconds(5);
        try (Client client = new Client(1, HboneFixture.SETTINGS.withTimeouts(Duration.ofSeconds(1),
                Duration.ofSeconds(5), idle))) {
            EventLoop loop = client.loops.next();
            Http2StreamChannel first = client.open(loop);
            client.closeStream(first);
            // Armed on the connection's loop after the first spell's timer, for as long: it runs after that timer.
            Future<?> firstSpellOver = loop.submit(() -> loop.schedule(() -> { }, idle.toMillis(),
                    TimeUnit.MILLISECONDS)).syncUninterruptibly().getNow();
            Thread.sleep(idle.toMillis() * 3 / 5);
            client.closeStream(client.open(loop));
            firstSpellOver.syncUninterruptibly();

            Http2StreamChannel again = client.open(loop);
            assertSame(first.parent(), again.parent(), "the first idle spell's timer closed a connection in use");
            client.closeStream(again);
            Waits.until("the connection to close once idle", Duration.ofSeconds(10), () -> client.connections() == 0);
        }
    }

    /** A pool on its own event loops, streaming to an echo server; closes streams, pool, server and loops in turn. */
    private final class Client implements AutoCloseable {

        final EventLoopGroup loops;
        private final HboneFixture server = new HboneFixture(ca, ca.issue(SERVER, Duration.ofHours(1)));
        private final HbonePool pool;
        private final HboneKey key = new HboneKey(CLIENT, server.address(), SERVER);
        private final List<Http2StreamChannel> streams = new ArrayList<>();

        Client(int loopCount) {
            this(loopCount, HboneFixture.SETTINGS);
        }

        Client(int loopCount, HboneSettings settings) {
            Transport transport = Transport.best();
            loops = transport.newEventLoopGroup(loopCount, "hbone-affinity");
            pool = new HbonePool(transport, server.client(ca.issue(CLIENT, Duration.ofHours(1))), settings);
        }

        Http2StreamChannel open(EventLoop loop) {
            Future<Http2StreamChannel> stream = pool.connect(key, HboneFixture.TARGET, loop);
            stream.awaitUninterruptibly(10, TimeUnit.SECONDS);
            assertNull(stream.cause(), "stream opened");
            streams.add(stream.getNow());
            return stream.getNow();
        }

        void closeStream(Http2StreamChannel stream) {
            stream.close().syncUninterruptibly();
            streams.remove(stream);
        }

        int connections() {
            return pool.connectionCount(key);
        }

        @Override
        public void close() {
            // Streams first: a connection closing with open streams waits for them.
            streams.forEach(stream -> stream.close().syncUninterruptibly());
            pool.close();
            pool.closeConnections().awaitUninterruptibly(5, TimeUnit.SECONDS);
            server.close();
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
