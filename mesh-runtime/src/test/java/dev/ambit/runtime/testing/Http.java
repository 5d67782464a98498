package dev.ambit.runtime.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Minimal HTTP for probing the metrics, readiness and admin endpoints. */
public final class Http {

    private Http() {
    }

    public record Response(int status, String body) {
    }

    public static Response get(InetSocketAddress server, String path) {
        String url = "http://" + server.getAddress().getHostAddress() + ":" + server.getPort() + path;
        try {
            HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
            connection.setConnectTimeout(5_000);
            connection.setReadTimeout(5_000);
            // Ephemeral ports come back in later tests: a cached keep-alive connection would reach a dead server.
            connection.setRequestProperty("Connection", "close");
            int status = connection.getResponseCode();
            try (InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
                return new Response(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Sends {@code request} as written (CRLFs included) and reads until the server closes: for requests an HTTP
     * client will not send. The body is the whole answer as received, status line and headers included. A server
     * that answers and closes before it read the whole request resets the connection; what came before counts.
     */
    public static Response raw(InetSocketAddress server, String request) {
        try (Socket socket = new Socket()) {
            socket.connect(server, 5_000);
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            String answer = readUntilClosed(socket);
            return new Response(Integer.parseInt(answer.split(" ", 3)[1]), answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readUntilClosed(Socket socket) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try {
            InputStream in = socket.getInputStream();
            for (int read; (read = in.read(chunk)) >= 0; ) {
                answer.write(chunk, 0, read);
            }
        } catch (SocketException reset) {
            if (answer.size() == 0) {
                throw reset;
            }
        }
        return answer.toString(StandardCharsets.ISO_8859_1);
    }
}
