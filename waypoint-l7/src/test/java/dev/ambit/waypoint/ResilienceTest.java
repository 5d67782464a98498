package dev.ambit.waypoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.model.route.RouteFilters;
import dev.ambit.api.model.route.RouteRule;
import dev.ambit.api.model.route.RouteTimeouts;
import dev.ambit.api.model.traffic.CircuitBreaker;
import dev.ambit.api.model.traffic.FaultAbort;
import dev.ambit.api.model.traffic.FaultDelay;
import dev.ambit.api.model.traffic.FaultInjection;
import dev.ambit.api.model.traffic.OutlierDetection;
import dev.ambit.api.model.traffic.RetryBudget;
import dev.ambit.api.model.traffic.RetryOn;
import dev.ambit.api.model.traffic.RetryPolicy;
import dev.ambit.waypoint.testing.AccessLogCapture;
import dev.ambit.waypoint.testing.Http1Client;
import dev.ambit.waypoint.testing.Mesh;
import dev.ambit.waypoint.testing.NoLeaks;
import dev.ambit.waypoint.testing.TestBackend.Reply;
import dev.ambit.waypoint.testing.TestBackend;
import dev.ambit.waypoint.testing.WaypointHarness;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Timeouts, retries and their budget, outlier detection, circuit breaking and fault injection, end to end. */
@ExtendWith(NoLeaks.class)
class ResilienceTest {

    private static RetryPolicy retries(int attempts, Optional<RetryBudget> budget) {
        return new RetryPolicy(attempts, Optional.empty(), Set.of(RetryOn.GATEWAY_ERROR), Set.of(), Set.of(), budget);
    }

    private static WaypointSettings seeded() {
        return WaypointSettings.defaults().withRandom(new Random(7));
    }

    @Test
    void retriesRecoverFromHalfOf503sWithinTheBudget() {
        Random flaky = new Random(11);
        try (TestBackend backend = TestBackend.http1("flaky");
             WaypointHarness waypoint = new WaypointHarness(seeded())) {
            backend.respond(seen -> flaky.nextBoolean() ? new Reply(503, "busy", Duration.ZERO) : Reply.ok("ok"));
            waypoint.update(new Mesh().service("flaky", backend.port())
                    .policy(Mesh.trafficPolicy("flaky").retries(retries(5,
                            Optional.of(new RetryBudget(1.0, 10, Duration.ofSeconds(10))))).build())
                    .config());
            Http1Client client = new Http1Client(waypoint.port());
            int requests = 200;
            int ok = 0;
            for (int i = 0; i < requests; i++) {
                ok += client.get("flaky", "/").statusCode() == 200 ? 1 : 0;
            }
            int retriesMade = backend.requests() - requests;
            assertTrue(ok >= requests * 0.97, "recovered " + ok + " of " + requests);
            assertTrue(retriesMade <= 10 * 10 + requests, "retries " + retriesMade + " exceed the budget");
        }
    }

    @Test
    void aTightBudgetCapsRetries() {
        try (TestBackend backend = TestBackend.http1("down");
             WaypointHarness waypoint = new WaypointHarness(seeded())) {
            backend.respond(seen -> new Reply(503, "busy", Duration.ZERO));
            waypoint.update(new Mesh().service("down", backend.port())
                    .policy(Mesh.trafficPolicy("down").retries(retries(3,
                            Optional.of(new RetryBudget(0.1, 1, Duration.ofSeconds(10))))).build())
                    .config());
            Http1Client client = new Http1Client(waypoint.port());
            int requests = 100;
            for (int i = 0; i < requests; i++) {
                assertEquals(503, client.get("down", "/").statusCode());
            }
            int retriesMade = backend.requests() - requests;
            // ratio 0.1 of 100 requests plus 1/s over a 10 s window; without a budget it would be 300.
            assertTrue(retriesMade <= 10 + 10 + 1, "retries " + retriesMade);
            assertTrue(retriesMade >= 10, "retries " + retriesMade);
        }
    }

    @Test
    void aTenSecondBackendWithAOneSecondTimeoutAnswers504InAboutOneSecond() {
        try (TestBackend backend = TestBackend.http1("slow");
             WaypointHarness waypoint = new WaypointHarness(seeded())) {
            backend.respond(seen -> new Reply(200, "late", Duration.ofSeconds(10)));
            waypoint.update(new Mesh().service("slow", backend.port())
                    .route("slow", new RouteRule(List.of(), RouteFilters.NONE, List.of(Mesh.backend("slow", 1)),
                            new RouteTimeouts(Optional.of(Duration.ofSeconds(1)), Optional.empty())))
                    .config());
            long start = System.nanoTime();
            HttpResponse<String> response = new Http1Client(waypoint.port()).get("slow", "/");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(504, response.statusCode());
            assertTrue(response.body().contains("timeout"));
            assertTrue(millis >= 950 && millis < 2000, "took " + millis + " ms");
        }
    }

    @Test
    void anOutlierIsEjectedAndReturns() throws Exception {
        AtomicBoolean broken = new AtomicBoolean(true);
        try (TestBackend good = TestBackend.http1("good");
             TestBackend bad = TestBackend.http1("bad");
             WaypointHarness waypoint = new WaypointHarness(seeded())) {
            bad.respond(seen -> broken.get() ? new Reply(500, "broken", Duration.ZERO) : Reply.ok("bad"));
            waypoint.update(new Mesh().service("pair", good.port(), bad.port())
                    .policy(Mesh.trafficPolicy("pair").outlierDetection(new OutlierDetection(3,
                            Duration.ofSeconds(10), Duration.ofMillis(600), 50)).build())
                    .config());
            Http1Client client = new Http1Client(waypoint.port());
            for (int i = 0; i < 6; i++) {
                client.get("pair", "/");
            }
            assertEquals(3, bad.requests(), "round robin reached the bad endpoint until it was ejected");
            for (int i = 0; i < 20; i++) {
                assertEquals("good", client.get("pair", "/").body());
            }
            broken.set(false);
            Thread.sleep(700);
            int badBefore = bad.requests();
            for (int i = 0; i < 10; i++) {
                client.get("pair", "/");
            }
            assertTrue(bad.requests() - badBefore >= 4, "the endpoint came back after its ejection time");
        }
    }

    @Test
    void faultAbortAndDelayHitTheirPercentages() {
        try (TestBackend backend = TestBackend.http1("faulty");
             WaypointHarness waypoint = new WaypointHarness(seeded())) {
            waypoint.update(new Mesh().service("faulty", backend.port())
                    .policy(Mesh.trafficPolicy("faulty").fault(new FaultInjection(
                            Optional.of(new FaultDelay(20, Duration.ofMillis(50))),
                            Optional.of(FaultAbort.http(30, 418)))).build())
                    .config());
            Http1Client client = new Http1Client(waypoint.port());
            int requests = 500;
            int aborted = 0;
            long delayed;
            long start = System.nanoTime();
            try (AccessLogCapture log = new AccessLogCapture()) {
                for (int i = 0; i < requests; i++) {
                    HttpResponse<String> response = client.get("faulty", "/");
                    if (response.statusCode() == 418) {
                        assertTrue(response.body().contains("fault"));
                        aborted++;
                    }
                }
                // The access log's DI flag counts delays exactly; the elapsed time shows they were served.
                delayed = log.awaitLines(requests).stream().filter(line -> line.contains("\"response_flags\":\"DI")).count();
            }
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(elapsedMillis >= delayed * 50, "delays were not waited out: " + elapsedMillis + " ms");
            assertTrue(Math.abs(aborted / (double) requests - 0.30) <= 0.05, "aborted " + aborted);
            assertTrue(Math.abs(delayed / (double) requests - 0.20) <= 0.05, "delayed " + delayed);
            assertEquals(requests - aborted, backend.requests());
        }
    }

    @Test
    void circuitBreakerFailsFastBeyondMaxRequests() throws Exception {
        try (TestBackend backend = TestBackend.http1("narrow");
             WaypointHarness waypoint = new WaypointHarness(seeded())) {
            backend.respond(seen -> new Reply(200, "slow", Duration.ofMillis(500)));
            waypoint.update(new Mesh().service("narrow", backend.port())
                    .policy(Mesh.trafficPolicy("narrow").circuitBreaker(new CircuitBreaker(OptionalInt.empty(),
                            OptionalInt.empty(), OptionalInt.of(2), OptionalInt.empty())).build())
                    .config());
            Http1Client client = new Http1Client(waypoint.port());
            ExecutorService pool = Executors.newFixedThreadPool(6);
            try {
                List<CompletableFuture<HttpResponse<String>>> calls = new java.util.ArrayList<>();
                for (int i = 0; i < 6; i++) {
                    calls.add(CompletableFuture.supplyAsync(() -> client.get("narrow", "/"), pool));
                }
                long overflowed = calls.stream().map(CompletableFuture::join)
                        .filter(r -> r.statusCode() == 503 && r.headers().firstValue("x-ambit-overloaded").isPresent())
                        .count();
                assertEquals(4, overflowed);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
