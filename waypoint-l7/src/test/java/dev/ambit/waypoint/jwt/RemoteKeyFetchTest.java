package dev.ambit.waypoint.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Keys fetched from a JWKS URI served on loopback: caching, refresh, rate limit and failures. */
class RemoteKeyFetchTest {

    private static final long SECOND = 1_000_000_000L;
    private static final JwtSettings SETTINGS = new JwtSettings(Duration.ofSeconds(60), Duration.ofSeconds(600),
            Duration.ofSeconds(30), Duration.ofSeconds(5), 4096, 16 * 1024);

    private final AtomicInteger fetches = new AtomicInteger();
    private final AtomicInteger status = new AtomicInteger(200);
    private final AtomicReference<String> body = new AtomicReference<>();
    private final AtomicReference<CountDownLatch> hold = new AtomicReference<>(new CountDownLatch(0));
    private final AtomicLong now = new AtomicLong(1_000 * SECOND);
    private HttpServer server;
    private HttpClient client;

    @BeforeEach
    void serve() throws IOException {
        body.set(keys("k1"));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/jwks", exchange -> {
            fetches.incrementAndGet();
            try {
                hold.get().await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        client = HttpClient.newHttpClient();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static String keys(String... ids) {
        try {
            var list = new java.util.ArrayList<com.nimbusds.jose.jwk.JWK>();
            for (String id : ids) {
                list.add(new ECKeyGenerator(Curve.P_256).keyID(id).generate().toPublicJWK());
            }
            return new JWKSet(list).toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private RemoteJwks jwks() {
        URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks");
        return new RemoteJwks(uri, client, Runnable::run, SETTINGS, now::get);
    }

    private static String firstKeyId(CompletableFuture<JWKSet> keys) {
        return keys.join().getKeys().get(0).getKeyID();
    }

    @Test
    void keysAreCachedUntilTheRefreshTime() {
        RemoteJwks jwks = jwks();
        assertEquals("k1", firstKeyId(jwks.keys()));
        body.set(keys("k2"));
        now.addAndGet(600 * SECOND - 1);
        assertEquals("k1", firstKeyId(jwks.keys()));
        assertEquals(1, fetches.get());
        now.addAndGet(1);
        assertEquals("k2", firstKeyId(jwks.keys()));
        assertEquals(2, fetches.get());
    }

    @Test
    void anUnknownKeyRefetchesAtMostEveryMinRefresh() {
        RemoteJwks jwks = jwks();
        assertEquals("k1", firstKeyId(jwks.refreshForUnknownKey()), "nothing cached yet: fetch");
        body.set(keys("k2"));
        now.addAndGet(30 * SECOND - 1);
        assertEquals("k1", firstKeyId(jwks.refreshForUnknownKey()));
        assertEquals(1, fetches.get());
        now.addAndGet(1);
        assertEquals("k2", firstKeyId(jwks.refreshForUnknownKey()));
        assertEquals(2, fetches.get());
    }

    @Test
    void aFailedFetchKeepsTheLastGoodKeys() {
        RemoteJwks jwks = jwks();
        assertEquals("k1", firstKeyId(jwks.keys()));
        status.set(500);
        now.addAndGet(600 * SECOND);
        assertEquals("k1", firstKeyId(jwks.keys()));
        assertEquals(2, fetches.get());
        status.set(200);
        body.set(keys("k3"));
        assertEquals("k3", firstKeyId(jwks.keys()), "the failure did not count as a fetch: try again");
    }

    private static String failure(CompletableFuture<JWKSet> keys) {
        CompletionException e = assertThrows(CompletionException.class, keys::join);
        Throwable cause = e.getCause();
        return cause.getMessage() + " / " + (cause.getCause() == null ? "" : cause.getCause().getMessage());
    }

    @Test
    void withoutKeysAFailureIsReported() {
        status.set(404);
        String message = failure(jwks().keys());
        assertTrue(message.startsWith("JWKS could not be fetched from http://127.0.0.1:"), message);
        assertTrue(message.contains("JWKS endpoint answered 404"), message);
    }

    @Test
    void aKeySetLargerThanTheLimitIsRefused() {
        String large = keys(java.util.stream.IntStream.range(0, 40).mapToObj(i -> "k" + i).toArray(String[]::new));
        assertTrue(large.length() > 4096, "the test set is " + large.length() + " bytes");
        body.set(large);
        assertTrue(failure(jwks().keys()).contains("JWKS is larger than 4096 bytes"));
        String exact = "{\"keys\":[]}" + " ".repeat(4096 - 11);
        body.set(exact);
        assertEquals(0, jwks().keys().join().size(), "exactly the limit is accepted");
    }

    @Test
    void anUnparsableKeySetIsRefused() {
        body.set("not json");
        assertTrue(failure(jwks().keys()).contains("JWKS is unreadable: "));
    }

    @Test
    void concurrentCallersShareOneFetch() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        hold.set(release);
        RemoteJwks jwks = jwks();
        CompletableFuture<JWKSet> first = jwks.keys();
        CompletableFuture<JWKSet> second = jwks.refreshForUnknownKey();
        assertSame(first, second);
        release.countDown();
        assertEquals("k1", firstKeyId(first));
        assertEquals(1, fetches.get());
    }
}
