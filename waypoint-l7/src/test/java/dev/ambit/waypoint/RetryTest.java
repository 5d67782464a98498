package dev.ambit.waypoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.model.traffic.RetryOn;
import dev.ambit.api.model.traffic.RetryPolicy;
import dev.ambit.waypoint.testing.Http1Client;
import dev.ambit.waypoint.testing.Mesh;
import dev.ambit.waypoint.testing.NoLeaks;
import dev.ambit.waypoint.testing.TestBackend;
import dev.ambit.waypoint.testing.TestBackend.Reply;
import dev.ambit.waypoint.testing.WaypointHarness;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Which failures are retried ({@code retryOn}: resets, connect failures, 5xx, listed status codes), the per-try
 * timeout and the backoff between tries, end to end. Each case also shows that the same failure is not retried
 * under a policy that does not name it, so a retry seen is the policy's doing.
 */
@ExtendWith(NoLeaks.class)
@Timeout(60)
class RetryTest {

    private static RetryPolicy retryOn(int attempts, Set<RetryOn> on, Set<Integer> statusCodes) {
        return new RetryPolicy(attempts, Optional.empty(), on, statusCodes, Set.of(), Optional.empty());
    }

    private static WaypointHarness waypoint() {
        return new WaypointHarness(WaypointSettings.defaults().withRandom(new Random(7)));
    }

    /** Answers the first request with {@code first}, every later one with 200 "ok". */
    private static Function<TestBackend.Seen, Reply> firstThenOk(Reply first) {
        AtomicInteger hits = new AtomicInteger();
        return seen -> hits.incrementAndGet() == 1 ? first : Reply.ok("ok");
    }

    /** The status the client gets when the backend answers its first request with {@code first}. */
    private static Outcome firstFailure(Reply first, RetryPolicy policy) {
        try (TestBackend backend = TestBackend.http1("app");
             WaypointHarness waypoint = waypoint()) {
            backend.respond(firstThenOk(first));
            waypoint.update(new Mesh().service("app", backend.port())
                    .policy(Mesh.trafficPolicy("app").retries(policy).build()).config());
            HttpResponse<String> response = new Http1Client(waypoint.port()).get("app", "/");
            return new Outcome(response.statusCode(), backend.requests());
        }
    }

    private record Outcome(int status, int backendRequests) {
    }

    @Test
    void aResetBeforeTheResponseIsRetriedWhenResetIsListed() {
        assertEquals(new Outcome(200, 2), firstFailure(Reply.reset(), retryOn(2, Set.of(RetryOn.RESET), Set.of())));
        assertEquals(new Outcome(502, 1),
                firstFailure(Reply.reset(), retryOn(2, Set.of(RetryOn.CONNECT_FAILURE), Set.of())));
    }

    @Test
    void any5xxIsRetriedUnderHttp5xxButOnly502To504UnderGatewayError() {
        Reply serverError = new Reply(500, "oops", Duration.ZERO);
        assertEquals(new Outcome(200, 2), firstFailure(serverError, retryOn(2, Set.of(RetryOn.HTTP_5XX), Set.of())));
        assertEquals(new Outcome(500, 1),
                firstFailure(serverError, retryOn(2, Set.of(RetryOn.GATEWAY_ERROR), Set.of())));
        assertEquals(new Outcome(200, 2), firstFailure(new Reply(504, "late", Duration.ZERO),
                retryOn(2, Set.of(RetryOn.GATEWAY_ERROR), Set.of())));
    }

    @Test
    void listedStatusCodesAreRetriedAndOthersAreNot() {
        RetryPolicy on409 = retryOn(2, Set.of(RetryOn.RETRIABLE_STATUS_CODES), Set.of(409));
        assertEquals(new Outcome(200, 2), firstFailure(new Reply(409, "conflict", Duration.ZERO), on409));
        assertEquals(new Outcome(418, 1), firstFailure(new Reply(418, "teapot", Duration.ZERO), on409));
    }

    /**
     * A service whose first endpoint refuses connections (a port nobody listens on) and whose second answers; round
     * robin tries the dead one first for every other request.
     */
    @Test
    void aConnectFailureIsRetriedOnAnotherEndpointWhenConnectFailureIsListed() throws IOException {
        int dead = closedPort();
        try (TestBackend alive = TestBackend.http1("alive")) {
            try (WaypointHarness waypoint = waypoint()) {
                waypoint.update(new Mesh().service("app", dead, alive.port())
                        .policy(Mesh.trafficPolicy("app")
                                .retries(retryOn(2, Set.of(RetryOn.CONNECT_FAILURE), Set.of())).build())
                        .config());
                Http1Client client = new Http1Client(waypoint.port());
                for (int i = 0; i < 10; i++) {
                    assertEquals(200, client.get("app", "/").statusCode());
                }
                assertEquals(10, alive.requests());
            }
            try (WaypointHarness waypoint = waypoint()) {
                waypoint.update(new Mesh().service("app", dead, alive.port())
                        .policy(Mesh.trafficPolicy("app").retries(retryOn(2, Set.of(RetryOn.RESET), Set.of())).build())
                        .config());
                HttpResponse<String> response = new Http1Client(waypoint.port()).get("app", "/");
                assertEquals(503, response.statusCode());
                assertTrue(response.body().contains("connect"), response.body());
            }
        }
    }

    /**
     * The first try is held by the backend until the test ends; the per-try timeout (200 ms) gives up on it and the
     * retry answers, well inside the request timeout (10 s). Without a retry the per-try timeout is the 504.
     */
    @Test
    void thePerTryTimeoutEndsAStuckTryAndTheRetryAnswers() {
        CompletableFuture<Void> never = new CompletableFuture<>();
        try (TestBackend backend = TestBackend.http1("stuck");
             WaypointHarness waypoint = waypoint()) {
            backend.respond(firstThenOk(Reply.heldUntil(never, 200, "too late")));
            RetryPolicy perTry = new RetryPolicy(2, Optional.of(Duration.ofMillis(200)), Set.of(RetryOn.GATEWAY_ERROR),
                    Set.of(), Set.of(), Optional.empty());
            waypoint.update(new Mesh().service("stuck", backend.port())
                    .policy(Mesh.trafficPolicy("stuck").timeout(Duration.ofSeconds(10)).retries(perTry).build())
                    .config());
            HttpResponse<String> response = new Http1Client(waypoint.port()).get("stuck", "/");
            assertEquals(200, response.statusCode());
            assertEquals("ok", response.body());
            assertEquals(2, backend.requests());

            RetryPolicy noRetry = new RetryPolicy(0, Optional.of(Duration.ofMillis(200)), Set.of(), Set.of(),
                    Set.of(), Optional.empty());
            backend.respond(seen -> Reply.heldUntil(never, 200, "too late"));
            waypoint.update(new Mesh().service("stuck", backend.port())
                    .policy(Mesh.trafficPolicy("stuck").timeout(Duration.ofSeconds(10)).retries(noRetry).build())
                    .config());
            HttpResponse<String> timedOut = new Http1Client(waypoint.port()).get("stuck", "/");
            assertEquals(504, timedOut.statusCode());
            assertTrue(timedOut.body().contains("per-try timeout"), timedOut.body());
        } finally {
            never.complete(null);
        }
    }

    /**
     * Backoff is full jitter: uniform in [0, base × 2^(retry-1)]. A random source that always draws the top of the
     * range makes the wait exact, so the tries must arrive at least 200 ms and then 400 ms apart (base 200 ms).
     */
    @Test
    void retriesWaitAnExponentialBackoff() {
        RandomGenerator topOfRange = new RandomGenerator() {
            private final Random seeded = new Random(7);

            @Override
            public long nextLong() {
                return seeded.nextLong();
            }

            @Override
            public long nextLong(long bound) {
                return bound - 1;
            }
        };
        WaypointSettings settings = WaypointSettings.defaults().withRandom(topOfRange);
        settings = new WaypointSettings(settings.limits(), settings.upstream(), settings.jwt(), settings.accessLog(),
                settings.random(), Duration.ofMillis(200), settings.clock());
        List<Long> arrivals = new CopyOnWriteArrayList<>();
        try (TestBackend backend = TestBackend.http1("busy");
             WaypointHarness waypoint = new WaypointHarness(settings)) {
            backend.respond(seen -> {
                arrivals.add(System.nanoTime());
                return new Reply(503, "busy", Duration.ZERO);
            });
            waypoint.update(new Mesh().service("busy", backend.port())
                    .policy(Mesh.trafficPolicy("busy").retries(retryOn(2, Set.of(RetryOn.GATEWAY_ERROR), Set.of()))
                            .build())
                    .config());
            assertEquals(503, new Http1Client(waypoint.port()).get("busy", "/").statusCode());
            assertEquals(3, arrivals.size());
            long first = (arrivals.get(1) - arrivals.get(0)) / 1_000_000;
            long second = (arrivals.get(2) - arrivals.get(1)) / 1_000_000;
            assertTrue(first >= 200, "first retry after " + first + " ms");
            assertTrue(second >= 400, "second retry after " + second + " ms");
        }
    }

    /** A loopback port with nothing listening: connections to it are refused. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
