package dev.ambit.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code -Dambit.transport} overrides the automatic choice, a wrong name says what is allowed, and a tunnel on the
 * socket fast path runs on a transport that reads queued data without a wake-up: io_uring only with a buffer ring
 * (see {@link Transport#forSocketFastPath()}).
 */
class TransportChoiceTest {

    @AfterEach
    void forgetChoice() {
        System.clearProperty(Transport.TRANSPORT_PROPERTY);
    }

    @Test
    void aNamedTransportIsUsed() {
        System.setProperty(Transport.TRANSPORT_PROPERTY, "NIO");
        assertEquals(Transport.Kind.NIO, Transport.best().kind());
    }

    @Test
    void anUnknownNameFailsClearly() {
        System.setProperty(Transport.TRANSPORT_PROPERTY, "kqueue");
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, Transport::best);
        assertEquals("-Dambit.transport=kqueue names no transport; use io_uring, epoll or nio", failure.getMessage());
    }

    @Test
    void withoutTheSocketFastPathIoUringReadsWithoutABufferRing() {
        if (Transport.isAvailable(Transport.Kind.IO_URING)) {
            Transport best = Transport.best();
            assertEquals(Transport.Kind.IO_URING, best.kind());
            assertFalse(best.readsQueuedDataWithoutWakeUp(), "the default data path stays as it was");
        }
    }

    @Test
    void theSocketFastPathRunsOnIoUringOnlyWithABufferRing() {
        Transport transport = Transport.forSocketFastPath();
        assertTrue(transport.readsQueuedDataWithoutWakeUp(), transport.name());
        if (Transport.isAvailable(Transport.Kind.IO_URING)) {
            assertFalse(Transport.of(Transport.Kind.IO_URING).readsQueuedDataWithoutWakeUp(), "plain io_uring");
        }
    }

    @Test
    void anyTransportMayBeNamedForTheSocketFastPath() {
        System.setProperty(Transport.TRANSPORT_PROPERTY, "nio");
        assertEquals(Transport.Kind.NIO, Transport.forSocketFastPath().kind());
        if (Transport.isAvailableForSocketFastPath(Transport.Kind.IO_URING)) {
            System.setProperty(Transport.TRANSPORT_PROPERTY, "io_uring");
            Transport named = Transport.forSocketFastPath();
            assertEquals(Transport.Kind.IO_URING, named.kind());
            assertTrue(named.readsQueuedDataWithoutWakeUp(), "io_uring named for the fast path has its buffer ring");
        }
    }
}
