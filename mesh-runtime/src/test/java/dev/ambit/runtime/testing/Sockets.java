package dev.ambit.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Checks on the application's view of a connection through the tunnels. */
public final class Sockets {

    private Sockets() {
    }

    /** Sends {@code text} to an echo and expects it back. */
    public static void assertEchoes(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        assertEquals(text, new String(socket.getInputStream().readNBytes(text.length()), StandardCharsets.US_ASCII));
    }

    /**
     * Sends {@code text} and its FIN at once, as nc -N or an HTTP/1.0 client does, and expects the echo and the echo's
     * FIN: both may reach the tunnel before it has anywhere to send them.
     */
    public static void assertEchoesRequestSentWithItsEnd(Socket socket, String text) throws IOException {
        socket.setSoTimeout(5_000);
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.shutdownOutput();
        assertEquals(text, new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
    }

    /**
     * Connects, writes {@code request} (if any) and expects a refusal: the tunnel resets a refused connection at once,
     * which may fail connect() itself, or the write, or end the connection (FIN or reset) without a byte.
     */
    public static void assertConnectionRefused(Supplier<Socket> connect, String request) throws IOException {
        Socket socket;
        try {
            socket = connect.get();
        } catch (UncheckedIOException resetWhileConnecting) {
            return;
        }
        try (socket) {
            if (!request.isEmpty()) {
                try {
                    socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                } catch (SocketException resetBeforeTheWrite) {
                    return;
                }
            }
            assertRefused(socket);
        }
    }

    /** The connection ends (FIN or reset) without a byte from the destination. */
    public static void assertRefused(Socket socket) throws IOException {
        try {
            if (socket.getInputStream().read() >= 0) {
                fail("refused connection delivered data");
            }
        } catch (SocketException reset) {
            // refused with a reset
        }
    }

    /** Closes with a TCP RST instead of a FIN. */
    public static void reset(Socket socket) throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }
}
