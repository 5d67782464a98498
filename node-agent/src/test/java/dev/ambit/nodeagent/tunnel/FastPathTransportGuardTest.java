package dev.ambit.nodeagent.tunnel;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.runtime.transport.Transport;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A tunnel on plain io_uring is unready exactly while the agent's steering has the socket fast path on. */
class FastPathTransportGuardTest {

    @Test
    void ioUringIsUnsuitableWhileTheSteeringHasTheFastPathOn() {
        AtomicReference<Optional<Boolean>> steering = new AtomicReference<>(Optional.empty());
        FastPathTransportGuard guard = new FastPathTransportGuard("io_uring", false, steering::get);
        assertTrue(guard.suitable(), "no pins yet: nothing to object to");
        steering.set(Optional.of(false));
        assertTrue(guard.suitable());
        steering.set(Optional.of(true));
        assertFalse(guard.suitable());
        steering.set(Optional.of(false));
        assertTrue(guard.suitable(), "an agent restarted without the fast path");
    }

    @Test
    void aFailedLookupKeepsTheLastAnswerInsteadOfFailingTheProbe() {
        AtomicReference<Optional<Boolean>> steering = new AtomicReference<>(Optional.of(true));
        FastPathTransportGuard guard = new FastPathTransportGuard("io_uring", false, () -> {
            Optional<Boolean> answer = steering.get();
            if (answer == null) {
                throw new IllegalStateException("maps being replaced");
            }
            return answer;
        });
        assertFalse(guard.suitable());
        steering.set(null);
        assertFalse(guard.suitable(), "still the last answer");
        steering.set(Optional.of(false));
        assertTrue(guard.suitable());
    }

    @Test
    void transportsThatReadQueuedDataAreAlwaysSuitable() {
        assertTrue(new FastPathTransportGuard("epoll", true, () -> Optional.of(true)).suitable());
        assertTrue(new FastPathTransportGuard(Transport.of(Transport.Kind.NIO), () -> Optional.of(true)).suitable());
    }
}
