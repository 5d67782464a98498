package dev.ambit.waypoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.model.traffic.CircuitBreaker;
import dev.ambit.api.model.traffic.RetryOn;
import dev.ambit.api.model.traffic.RetryPolicy;
import dev.ambit.waypoint.testing.Http1Client;
import dev.ambit.waypoint.testing.Mesh;
import dev.ambit.waypoint.testing.NoLeaks;
import dev.ambit.waypoint.testing.TestBackend;
import dev.ambit.waypoint.testing.TestBackend.Reply;
import dev.ambit.waypoint.testing.WaypointHarness;
import dev.ambit.waypoint.upstream.UpstreamConnector;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Promise;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Circuit-breaker limits other than {@code maxRequests} (see {@link ResilienceTest}): each is held at its limit by
 * a request the test keeps waiting, and the next request that needs one more fails fast with 503 and
 * {@code x-ambit-overloaded}, while the held one still completes once let go.
 */
@ExtendWith(NoLeaks.class)
@Timeout(60)
class CircuitBreakerTest {

    private final ExecutorService clients = Executors.newCachedThreadPool();
    private final CompletableFuture<Void> release = new CompletableFuture<>();

    @AfterEach
    void stop() {
        release.complete(null);
        clients.shutdownNow();
    }

    private static WaypointSettings seeded() {
        return WaypointSettings.defaults().withRandom(new Random(7));
    }

    private static CircuitBreaker breaker(OptionalInt maxConnections, OptionalInt maxPending, OptionalInt maxRetries) {
        return new CircuitBreaker(maxConnections, maxPending, OptionalInt.empty(), maxRetries);
    }

    private static void assertOverloaded(HttpResponse<String> response, String limit) {
        assertEquals(503, response.statusCode(), response.body());
        assertEquals("true", response.headers().firstValue("x-ambit-overloaded").orElse(null));
        assertTrue(response.body().contains(limit), response.body());
    }

    /** One connection allowed: while a request holds it, the next one would need a second and is refused. */
    @Test
    void maxConnectionsRefusesARequestThatNeedsAnotherConnection() throws Exception {
        try (TestBackend backend = TestBackend.http1("narrow");
             WaypointHarness waypoint = new WaypointHarness(seeded())) {
            backend.respond(seen -> Reply.heldUntil(release, 200, "held"));
            waypoint.update(new Mesh().service("narrow", backend.port())
                    .policy(Mesh.trafficPolicy("narrow").circuitBreaker(breaker(OptionalInt.of(1), OptionalInt.empty(),
                            OptionalInt.empty())).build())
                    .config());
            Http1Client client = new Http1Client(waypoint.port());
            CompletableFuture<HttpResponse<String>> held =
                    CompletableFuture.supplyAsync(() -> client.get("narrow", "/held"), clients);
            backend.awaitRequests(1);
            assertOverloaded(client.get("narrow", "/next"), "max connections");
            assertEquals(1, backend.requests());
            release.complete(null);
            assertEquals(200, held.get(10, TimeUnit.SECONDS).statusCode());
        }
    }

    /**
     * One request may wait for a connection: the connector holds every connect until the test lets it go, so the
     * first request waits, and the second, which would wait too, is refused at once.
     */
    @Test
    void maxPendingRequestsRefusesARequestThatWouldWaitForAConnection() throws Exception {
        AtomicInteger connects = new AtomicInteger();
        CompletableFuture<Void> firstConnect = new CompletableFuture<>();
        try (TestBackend backend = TestBackend.http1("slowconnect");
             WaypointHarness waypoint = new WaypointHarness(seeded(), tcp -> heldConnects(tcp, connects,
                     firstConnect))) {
            waypoint.update(new Mesh().service("slowconnect", backend.port())
                    .policy(Mesh.trafficPolicy("slowconnect").circuitBreaker(breaker(OptionalInt.empty(),
                            OptionalInt.of(1), OptionalInt.empty())).build())
                    .config());
            Http1Client client = new Http1Client(waypoint.port());
            CompletableFuture<HttpResponse<String>> pending =
                    CompletableFuture.supplyAsync(() -> client.get("slowconnect", "/first"), clients);
            firstConnect.get(10, TimeUnit.SECONDS);
            assertOverloaded(client.get("slowconnect", "/second"), "max pending");
            assertEquals(1, connects.get(), "the refused request did not connect");
            release.complete(null);
            assertEquals(200, pending.get(10, TimeUnit.SECONDS).statusCode());
            assertEquals(1, backend.requests());
        }
    }

    /** Connects with {@code tcp} once {@link #release} completes; counts connects and signals the first. */
    private UpstreamConnector heldConnects(UpstreamConnector tcp, AtomicInteger connects,
            CompletableFuture<Void> firstConnect) {
        return (target, loop) -> {
            connects.incrementAndGet();
            Promise<Channel> connected = loop.newPromise();
            release.whenComplete((done, error) -> loop.execute(() -> tcp.connect(target, loop)
                    .addListener(future -> {
                        if (future.isSuccess()) {
                            connected.setSuccess((Channel) future.getNow());
                        } else {
                            connected.setFailure(future.cause());
                        }
                    })));
            firstConnect.complete(null);
            return connected;
        };
    }

    /**
     * One retry at a time: the first request's retry is held by the backend; the second request's first try fails
     * too, and its retry, which would be the second outstanding one, is refused.
     */
    @Test
    void maxRetriesRefusesARetryBeyondTheLimit() throws Exception {
        ConcurrentHashMap<String, AtomicInteger> tries = new ConcurrentHashMap<>();
        try (TestBackend backend = TestBackend.http1("retried");
             WaypointHarness waypoint = new WaypointHarness(seeded())) {
            // Per path: the first try is a 503, a retry of /held waits for the test, any other retry answers.
            backend.respond(seen -> {
                int attempt = tries.computeIfAbsent(seen.uri(), uri -> new AtomicInteger()).incrementAndGet();
                if (attempt == 1) {
                    return new Reply(503, "busy", Duration.ZERO);
                }
                return seen.uri().equals("/held") ? Reply.heldUntil(release, 200, "retried") : Reply.ok("retried");
            });
            waypoint.update(new Mesh().service("retried", backend.port())
                    .policy(Mesh.trafficPolicy("retried")
                            .retries(new RetryPolicy(3, Optional.empty(), Set.of(RetryOn.GATEWAY_ERROR), Set.of(),
                                    Set.of(), Optional.empty()))
                            .circuitBreaker(breaker(OptionalInt.empty(), OptionalInt.empty(), OptionalInt.of(1)))
                            .build())
                    .config());
            Http1Client client = new Http1Client(waypoint.port());
            CompletableFuture<HttpResponse<String>> held =
                    CompletableFuture.supplyAsync(() -> client.get("retried", "/held"), clients);
            backend.awaitRequests(2);
            assertOverloaded(client.get("retried", "/next"), "retries");
            assertEquals(1, tries.get("/next").get(), "the second request was not retried");
            release.complete(null);
            HttpResponse<String> retried = held.get(10, TimeUnit.SECONDS);
            assertEquals(200, retried.statusCode());
            assertEquals("retried", retried.body());
            // The limit counts retries outstanding, not retries ever made: with the first one done, the next runs.
            assertEquals("retried", client.get("retried", "/later").body());
        }
    }
}
