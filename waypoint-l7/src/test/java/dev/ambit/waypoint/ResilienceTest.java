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
import dev.ambit.waypoint.resilience.OutlierDetector;
import dev.ambit.waypoint.testing.AccessLogCapture;
import dev.ambit.waypoint.testing.LogCapture;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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

    /**
     * Every other answer is a 503, so every request needs one retry: 200 of them. The budget allows 0.25 of the
     * requests plus 1/s over its 60 s window (the test takes a few seconds): 0.25 × 200 + 60 = 110 retries. Each of
     * them recovers its request; the requests left without one get the 503.
     */
    @Test
    void retriesRecoverFailuresUntilTheBudgetIsSpent() {
        AtomicInteger hits = new AtomicInteger();
        try (TestBackend backend = TestBackend.http1("flaky");
             WaypointHarness waypoint = new WaypointHarness(seeded())) {
            backend.respond(seen -> hits.incrementAndGet() % 2 == 1 ? new Reply(503, "busy", Duration.ZERO)
                    : Reply.ok("ok"));
            waypoint.update(new Mesh().service("flaky", backend.port())
                    .policy(Mesh.trafficPolicy("flaky").retries(retries(5,
                            Optional.of(new RetryBudget(0.25, 1, Duration.ofSeconds(60))))).build())
                    .config());
            Http1Client client = new Http1Client(waypoint.port());
            int requests = 200;
            int ok = 0;
            int unavailable = 0;
            for (int i = 0; i < requests; i++) {
                int status = client.get("flaky", "/").statusCode();
                ok += status == 200 ? 1 : 0;
                unavailable += status == 503 ? 1 : 0;
            }
            int retriesMade = backend.requests() - requests;
            // Without a budget: 200 retries and no 503; ratio ignored: 60; reserve ignored: 50.
            assertEquals(110, retriesMade, "retries made");
            assertEquals(requests, ok + unavailable);
            assertEquals(retriesMade, ok - (requests - retriesMade - unavailable), "every retry recovered a request");
            assertTrue(unavailable > 0, "the budget ran out");
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

    /**
     * The backend never answers on its own (it is held until the test ends), so the 504 can only come from the
     * timeout, and not before it.
     */
    @Test
    void aBackendThatDoesNotAnswerGets504AfterTheRouteTimeout() {
        CompletableFuture<Void> never = new CompletableFuture<>();
        try (TestBackend backend = TestBackend.http1("slow");
             WaypointHarness waypoint = new WaypointHarness(seeded())) {
            backend.respond(seen -> Reply.heldUntil(never, 200, "late"));
            waypoint.update(new Mesh().service("slow", backend.port())
                    .route("slow", new RouteRule(List.of(), RouteFilters.NONE, List.of(Mesh.backend("slow", 1)),
                            new RouteTimeouts(Optional.of(Duration.ofSeconds(1)), Optional.empty())))
                    .config());
            long start = System.nanoTime();
            HttpResponse<String> response = new Http1Client(waypoint.port()).get("slow", "/");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(504, response.statusCode());
            assertTrue(response.body().contains("timeout"));
            assertEquals(1, backend.requests(), "the request was forwarded before it timed out");
            assertTrue(millis >= 1000, "answered after " + millis + " ms, before the 1 s timeout");
        } finally {
            never.complete(null);
        }
    }

    /**
     * Round robin over a good and a bad endpoint: the bad one is ejected after 3 errors in a row, stays out for
     * the base ejection time (600 ms), and then gets its share again.
     */
    @Test
    void anOutlierIsEjectedAndReturns() throws Exception {
        AtomicBoolean broken = new AtomicBoolean(true);
        List<Long> badArrivals = new CopyOnWriteArrayList<>();
        try (TestBackend good = TestBackend.http1("good");
             TestBackend bad = TestBackend.http1("bad");
             WaypointHarness waypoint = new WaypointHarness(seeded());
             LogCapture outliers = new LogCapture(OutlierDetector.class)) {
            bad.respond(seen -> {
                badArrivals.add(System.currentTimeMillis());
                return broken.get() ? new Reply(500, "broken", Duration.ZERO) : Reply.ok("bad");
            });
            waypoint.update(new Mesh().service("pair", good.port(), bad.port())
                    .policy(Mesh.trafficPolicy("pair").outlierDetection(new OutlierDetection(3,
                            Duration.ofSeconds(10), Duration.ofMillis(600), 50)).build())
                    .config());
            Http1Client client = new Http1Client(waypoint.port());
            for (int i = 0; i < 6; i++) {
                client.get("pair", "/");
            }
            assertEquals(3, bad.requests(), "round robin reached the bad endpoint until it was ejected");
            long ejectedAt = outliers.events("event=outlier_ejected").get(0).getTimeStamp();
            broken.set(false);
            // Out: every request goes to the good endpoint until the bad one is back.
            int goodBefore = good.requests();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (bad.requests() == 3 && System.nanoTime() < deadline) {
                client.get("pair", "/");
            }
            assertEquals(4, bad.requests(), "the endpoint never came back");
            assertTrue(good.requests() - goodBefore >= 1, "requests went to the good endpoint meanwhile");
            long outFor = badArrivals.get(3) - ejectedAt;
            assertTrue(outFor >= 600 - 20, "back after " + outFor + " ms, before the 600 ms ejection time");
            for (int i = 0; i < 10; i++) {
                client.get("pair", "/");
            }
            assertEquals(4 + 5, bad.requests(), "round robin again");
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
