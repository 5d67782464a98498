package dev.ambit.ztunnel.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code -Dambit.transport} overrides the automatic choice, a wrong name says what is allowed, and a tunnel on the
 * socket fast path never runs on io_uring (see {@link Transport#forSocketFastPath()}).
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
    void theSocketFastPathNeverRunsOnIoUring() {
        Transport transport = Transport.forSocketFastPath();
        assertNotEquals(Transport.Kind.IO_URING, transport.kind());
        assertEquals(Transport.isAvailable(Transport.Kind.EPOLL) ? Transport.Kind.EPOLL : Transport.Kind.NIO,
                transport.kind());
    }

    @Test
    void namingIoUringForTheSocketFastPathFailsClearly() {
        System.setProperty(Transport.TRANSPORT_PROPERTY, "io_uring");
        IllegalArgumentException failure = assertThrows(IllegalArgumentException.class, Transport::forSocketFastPath);
        assertTrue(failure.getMessage().startsWith("-Dambit.transport=io_uring cannot carry the socket fast path"),
                failure.getMessage());
    }

    @Test
    void epollOrNioMayBeNamedForTheSocketFastPath() {
        System.setProperty(Transport.TRANSPORT_PROPERTY, "nio");
        assertEquals(Transport.Kind.NIO, Transport.forSocketFastPath().kind());
    }
}
