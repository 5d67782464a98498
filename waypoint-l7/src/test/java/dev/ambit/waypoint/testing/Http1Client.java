package dev.ambit.waypoint.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** JDK HTTP/1.1 client (keep-alive pooled) aimed at a waypoint, naming the service in {@code Host}. */
public final class Http1Client {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    public Http1Client(int port) {
        this.port = port;
    }

    public HttpResponse<String> get(String service, String path) {
        return send(service, "GET", path, Map.of(), null);
    }

    public HttpResponse<String> send(String service, String method, String path, Map<String, String> headers,
            String body) {
        return sendToHost(Mesh.host(service), method, path, headers, body);
    }

    /** A request with {@code Host: host} as given (an ingress gateway routes by it). */
    public HttpResponse<String> sendToHost(String host, String method, String path, Map<String, String> headers,
            String body) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20))
                .header("Host", host)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(builder::header);
        try {
            return client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
