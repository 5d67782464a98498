package dev.ambit.waypoint.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Writes raw bytes to a waypoint and reads what comes back until it closes (or the timeout): for malformed input. */
public final class RawClient implements AutoCloseable {

    private final Socket socket;

    public RawClient(int port) {
        try {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(5000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RawClient write(String text) {
        return write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    public RawClient write(byte[] bytes) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            // The waypoint may close while we still write (e.g. an oversized header): read what it said.
        }
        return this;
    }

    /** Everything received until the waypoint closes the connection or the socket times out. */
    public String readAll() {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            received.write('\u0000');
        } catch (IOException e) {
            // Reset after the response: what arrived is the answer.
        }
        return received.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
