package dev.ambit.ztunnel.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/** Minimal HTTP GET for probing the metrics and readiness endpoints. */
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
}
