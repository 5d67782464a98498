package dev.ambit.nodeagent.tunnel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.ztunnel.transport.Transport;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A tunnel on io_uring is unready exactly while the agent's steering has the socket fast path on. */
class FastPathTransportGuardTest {

    @Test
    void ioUringIsUnsuitableWhileTheSteeringHasTheFastPathOn() {
        AtomicReference<Optional<Boolean>> steering = new AtomicReference<>(Optional.empty());
        FastPathTransportGuard guard = new FastPathTransportGuard(Transport.Kind.IO_URING, steering::get);
        assertTrue(guard.suitable(), "no pins yet: nothing to object to");
        steering.set(Optional.of(false));
        assertTrue(guard.suitable());
        steering.set(Optional.of(true));
        assertFalse(guard.suitable());
        steering.set(Optional.of(false));
        assertTrue(guard.suitable(), "an agent restarted without the fast path");
    }

    @Test
    void epollAndNioReadFastPathSockets() {
        assertTrue(new FastPathTransportGuard(Transport.Kind.EPOLL, () -> Optional.of(true)).suitable());
        assertTrue(new FastPathTransportGuard(Transport.Kind.NIO, () -> Optional.of(true)).suitable());
    }
}
