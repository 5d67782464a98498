package dev.ambit.runtime.hbone;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.runtime.transport.FailureReason;
import dev.ambit.runtime.testing.HboneFixture;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.TestCa;
import dev.ambit.runtime.testing.Waits;
import dev.ambit.runtime.tls.TlsContextSource;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HBONE server's cap on connections per client identity: one peer cannot take the listener's connections. */
@ExtendWith(LeakDetectorExtension.class)
@Timeout(30)
class HbonePeerLimitTest {

    private static final SpiffeId GREEDY = TestCa.identity("demo", "greedy");
    private static final SpiffeId OTHER = TestCa.identity("demo", "other");
    private static final SpiffeId SERVER = TestCa.identity("demo", "echo");
    private static final int CAP = 2;

    private final TestCa ca = new TestCa();

    @Test
    void aPeerAtItsCapIsRefusedWhileOthersAreNot() throws Exception {
        try (HboneFixture fixture = new HboneFixture(ca, ca.issue(SERVER, Duration.ofHours(1)),
                HboneFixture.SETTINGS.withMaxConnectionsPerPeer(CAP))) {
            TlsContextSource greedy = fixture.client(ca.issue(GREEDY, Duration.ofHours(1)));
            // Each connect() is a pool of its own, so each stream is a connection of its own.
            Http2StreamChannel first = connected(fixture.connect(greedy, GREEDY, SERVER));
            Http2StreamChannel second = connected(fixture.connect(greedy, GREEDY, SERVER));

            assertFalse(fixture.connect(greedy, GREEDY, SERVER).isSuccess(), "a connection past the cap");
            Waits.until("refusal counted", Duration.ofSeconds(5),
                    () -> fixture.serverMetrics().failures(FailureReason.PEER_FULL) == 1);
            Http2StreamChannel other = connected(
                    fixture.connect(fixture.client(ca.issue(OTHER, Duration.ofHours(1))), OTHER, SERVER));

            // A closed connection frees its place.
            first.close().sync();
            Waits.until("first connection closed", Duration.ofSeconds(5), () -> fixture.serverConnections() == 2);
            Http2StreamChannel again = connected(fixture.connect(greedy, GREEDY, SERVER));
            assertEquals(1, fixture.serverMetrics().failures(FailureReason.PEER_FULL));
            for (Http2StreamChannel stream : List.of(second, other, again)) {
                stream.close().sync();
            }
        }
    }

    private static Http2StreamChannel connected(Future<Http2StreamChannel> stream) {
        assertTrue(stream.isSuccess(), () -> "stream failed: " + stream.cause());
        return stream.getNow();
    }
}
