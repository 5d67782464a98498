package dev.ambit.local.apps;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The demo's sample app, in the spirit of the mesh guides' helloworld: {@code GET /hello} answers
 * {@code Hello, world! version: v1, hostname: hello-v1-...}, with the address the connection arrived on in the
 * header {@value #SERVED_ON} (e.g. {@code fd00:10:244:2::11}: the last hop, the destination tunnel's connection to
 * the pod, came over IPv6), and {@code POST /echo} answers the request body (the end-to-end tests check long-lived
 * connections byte for byte with it). Listens on every address of both families (the wildcard socket is
 * dual-stack). Runs inside a simulated pod.
 *
 * <p>Usage: {@code HelloServer <port> <version> <hostname>}
 */
public final class HelloServer {

    /** The response header naming the local address the request's connection arrived on. */
    public static final String SERVED_ON = "x-served-on";

    private HelloServer() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: HelloServer <port> <version> <hostname>");
            System.exit(2);
        }
        // The JDK server writes headers and body separately; with Nagle on, a keep-alive peer (a waypoint's pooled
        // upstream) waits a delayed ACK (~40 ms) for every body.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        int port = Integer.parseInt(args[0]);
        byte[] greeting = ("Hello, world! version: " + args[1] + ", hostname: " + args[2] + "\n")
                .getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 128);
        server.createContext("/", exchange -> respond(exchange, greeting));
        server.createContext("/echo", HelloServer::echo);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        System.out.println("event=hello_listening port=" + port + " version=" + args[1] + " hostname=" + args[2]);
    }

    private static void echo(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
            exchange.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static void respond(HttpExchange exchange, byte[] greeting) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            // An IPv4 connection to the dual-stack socket shows as its IPv4 address, not as ::ffff:a.b.c.d.
            exchange.getResponseHeaders().set(SERVED_ON, IpText.of(exchange.getLocalAddress().getAddress()));
            exchange.sendResponseHeaders(200, greeting.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(greeting);
            }
        }
    }
}
