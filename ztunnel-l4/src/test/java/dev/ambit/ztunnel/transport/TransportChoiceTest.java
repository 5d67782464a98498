package dev.ambit.ztunnel.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code -Dambit.transport} overrides the automatic choice, and a wrong name says what is allowed. */
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
}
