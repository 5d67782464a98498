package dev.ambit.ztunnel.hbone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.ztunnel.testing.HboneFixture;
import dev.ambit.ztunnel.testing.LeakDetectorExtension;
import dev.ambit.ztunnel.testing.TestCa;
import dev.ambit.ztunnel.transport.Transport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.EventExecutor;
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

    /** Past the per-key loop bound, further loops share: a client's connections to a server stay bounded. */
    @Test
    void loopsBeyondTheBoundShareConnectionsInsteadOfDiallingMore() {
        try (Client client = new Client(HbonePool.MAX_LOOPS_PER_KEY + 1)) {
            for (EventExecutor loop : client.loops) {
                client.open((EventLoop) loop);
            }
            assertEquals(HbonePool.MAX_LOOPS_PER_KEY, client.connections());
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
            Transport transport = Transport.best();
            loops = transport.newEventLoopGroup(loopCount, "hbone-affinity");
            pool = new HbonePool(transport, server.client(ca.issue(CLIENT, Duration.ofHours(1))),
                    HboneFixture.SETTINGS);
        }

        Http2StreamChannel open(EventLoop loop) {
            Future<Http2StreamChannel> stream = pool.connect(key, HboneFixture.TARGET, loop);
            stream.awaitUninterruptibly(10, TimeUnit.SECONDS);
            assertNull(stream.cause(), "stream opened");
            streams.add(stream.getNow());
            return stream.getNow();
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
