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
        Transport transport = Transport.best();
        EventLoopGroup loops = transport.newEventLoopGroup(2, "hbone-affinity");
        try (HboneFixture fixture = new HboneFixture(ca, ca.issue(SERVER, Duration.ofHours(1)))) {
            HbonePool pool = new HbonePool(transport, fixture.client(ca.issue(CLIENT, Duration.ofHours(1))),
                    HboneFixture.SETTINGS);
            HboneKey key = new HboneKey(CLIENT, fixture.address(), SERVER);
            EventLoop first = loops.next();
            EventLoop second = loops.next();
            try {
                Http2StreamChannel a = opened(pool.connect(key, HboneFixture.TARGET, first));
                Http2StreamChannel b = opened(pool.connect(key, HboneFixture.TARGET, first));
                assertSame(a.parent(), b.parent(), "two streams from one loop share its connection");
                assertSame(first, a.parent().eventLoop());
                assertEquals(1, pool.connectionCount(key));

                Http2StreamChannel c = opened(pool.connect(key, HboneFixture.TARGET, second));
                assertSame(second, c.parent().eventLoop(), "another loop dials a connection of its own");
                assertEquals(2, pool.connectionCount(key));
                for (Http2StreamChannel stream : List.of(a, b, c)) {
                    stream.close().syncUninterruptibly();
                }
            } finally {
                pool.close();
                pool.closeConnections().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Past the per-key loop bound, further loops share: a client's connections to a server stay bounded. */
    @Test
    void loopsBeyondTheBoundShareConnectionsInsteadOfDiallingMore() {
        Transport transport = Transport.best();
        EventLoopGroup loops = transport.newEventLoopGroup(HbonePool.MAX_LOOPS_PER_KEY + 1, "hbone-affinity");
        try (HboneFixture fixture = new HboneFixture(ca, ca.issue(SERVER, Duration.ofHours(1)))) {
            HbonePool pool = new HbonePool(transport, fixture.client(ca.issue(CLIENT, Duration.ofHours(1))),
                    HboneFixture.SETTINGS);
            HboneKey key = new HboneKey(CLIENT, fixture.address(), SERVER);
            List<Http2StreamChannel> streams = new ArrayList<>();
            try {
                for (EventExecutor loop : loops) {
                    streams.add(opened(pool.connect(key, HboneFixture.TARGET, (EventLoop) loop)));
                }
                assertEquals(HbonePool.MAX_LOOPS_PER_KEY, pool.connectionCount(key));
                for (Http2StreamChannel stream : streams) {
                    stream.close().syncUninterruptibly();
                }
            } finally {
                pool.close();
                pool.closeConnections().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static Http2StreamChannel opened(Future<Http2StreamChannel> stream) {
        stream.awaitUninterruptibly(10, TimeUnit.SECONDS);
        assertNull(stream.cause(), "stream opened");
        return stream.getNow();
    }
}
