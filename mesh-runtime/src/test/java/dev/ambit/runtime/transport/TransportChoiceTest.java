package dev.ambit.runtime.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.runtime.testing.RequiresIoUring;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code -Dambit.transport} overrides the automatic choice, a wrong name says what is allowed, and a tunnel on the
 * socket fast path runs on a transport that reads queued data without a wake-up: io_uring only with a buffer ring
 * (see {@link Transport#forSocketFastPath()}). The automatic choice is checked on every host: where io_uring is
 * missing in this JVM, and in child JVMs that lack it (its native library left off the class path) or lack every
 * native transport ({@code -Dio.netty.transport.noNative=true}).
 */
@Timeout(60)
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

    /** Whatever this host offers: io_uring, else epoll, else NIO; the fast path's reads never need a wake-up. */
    @Test
    void theChoiceIsTheFirstAvailableOfIoUringEpollAndNio() {
        Transport.Kind expected = Transport.isAvailable(Transport.Kind.IO_URING) ? Transport.Kind.IO_URING
                : Transport.isAvailable(Transport.Kind.EPOLL) ? Transport.Kind.EPOLL : Transport.Kind.NIO;
        assertEquals(expected, Transport.best().kind());
        Transport.Kind expectedForFastPath = Transport.isAvailableForSocketFastPath(Transport.Kind.IO_URING)
                ? Transport.Kind.IO_URING
                : Transport.isAvailable(Transport.Kind.EPOLL) ? Transport.Kind.EPOLL : Transport.Kind.NIO;
        Transport fastPath = Transport.forSocketFastPath();
        assertEquals(expectedForFastPath, fastPath.kind());
        assertTrue(fastPath.readsQueuedDataWithoutWakeUp(), fastPath.name());
    }

    @Test
    @RequiresIoUring
    void withoutTheSocketFastPathIoUringReadsWithoutABufferRing() {
        Transport best = Transport.best();
        assertEquals(Transport.Kind.IO_URING, best.kind());
        assertFalse(best.readsQueuedDataWithoutWakeUp(), "the default data path stays as it was");
    }

    @Test
    @RequiresIoUring(socketFastPath = true)
    void theSocketFastPathRunsOnIoUringOnlyWithABufferRing() {
        Transport transport = Transport.forSocketFastPath();
        assertEquals(Transport.Kind.IO_URING, transport.kind());
        assertTrue(transport.readsQueuedDataWithoutWakeUp(), "io_uring with its buffer ring");
        assertFalse(Transport.of(Transport.Kind.IO_URING).readsQueuedDataWithoutWakeUp(), "plain io_uring");
    }

    @Test
    void nioMayBeNamedForTheSocketFastPath() {
        System.setProperty(Transport.TRANSPORT_PROPERTY, "nio");
        assertEquals(Transport.Kind.NIO, Transport.forSocketFastPath().kind());
    }

    @Test
    @RequiresIoUring(socketFastPath = true)
    void ioUringNamedForTheSocketFastPathHasItsBufferRing() {
        System.setProperty(Transport.TRANSPORT_PROPERTY, "io_uring");
        Transport named = Transport.forSocketFastPath();
        assertEquals(Transport.Kind.IO_URING, named.kind());
        assertTrue(named.readsQueuedDataWithoutWakeUp(), "io_uring named for the fast path has its buffer ring");
    }

    /** Without io_uring's native library: epoll (NIO where epoll is missing too), fast path or not. */
    @Test
    void withoutIoUringTheChoiceIsEpoll() throws Exception {
        String expected = Transport.isAvailable(Transport.Kind.EPOLL) ? "epoll" : "nio";
        assertEquals("best=" + expected + " socket_fast_path=" + expected + " reads_queued_data=true",
                choiceInChildJvm(List.of(), "netty-transport-native-io_uring"));
    }

    @Test
    void withoutNativeTransportsTheChoiceIsNio() throws Exception {
        assertEquals("best=nio socket_fast_path=nio reads_queued_data=true",
                choiceInChildJvm(List.of("-Dio.netty.transport.noNative=true"), null));
    }

    /** What {@link PrintChoice} prints in a JVM started with {@code options}, without class path jars named so. */
    private static String choiceInChildJvm(List<String> options, String leftOff) throws IOException,
            InterruptedException {
        String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> leftOff == null || !Path.of(entry).getFileName().toString().startsWith(leftOff))
                .collect(Collectors.joining(File.pathSeparator));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(options);
        command.addAll(List.of("-cp", classPath, PrintChoice.class.getName()));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child JVM finished");
        assertEquals(0, child.exitValue(), output);
        return output.lines().filter(line -> line.startsWith("best=")).findFirst().orElse(output);
    }

    /** Prints the automatic choice, with and without the socket fast path. */
    public static final class PrintChoice {
        public static void main(String[] args) {
            Transport best = Transport.best();
            Transport fastPath = Transport.forSocketFastPath();
            System.out.println("best=" + best.name() + " socket_fast_path=" + fastPath.name()
                    + " reads_queued_data=" + fastPath.readsQueuedDataWithoutWakeUp());
        }
    }
}
