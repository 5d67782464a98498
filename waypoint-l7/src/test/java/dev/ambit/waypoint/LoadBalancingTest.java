package dev.ambit.waypoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.model.traffic.LoadBalancerAlgorithm;
import dev.ambit.waypoint.testing.Http1Client;
import dev.ambit.waypoint.testing.Mesh;
import dev.ambit.waypoint.testing.NoLeaks;
import dev.ambit.waypoint.testing.TestBackend;
import dev.ambit.waypoint.testing.TestBackend.Reply;
import dev.ambit.waypoint.testing.WaypointHarness;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code LEAST_REQUEST} and {@code EWMA} through a waypoint: with two endpoints, power of two choices compares both
 * at every pick, so the busier or slower one loses every pick it can lose. Round robin or random would give it half.
 */
@ExtendWith(NoLeaks.class)
@Timeout(60)
class LoadBalancingTest {

    private static WaypointHarness waypoint() {
        return new WaypointHarness(WaypointSettings.defaults().withRandom(new Random(7)));
    }

    /**
     * The slow endpoint answers in 300 ms, the fast one at once. Requests one at a time leave no outstanding load to
     * compare, so only latency tells them apart: once the slow one answered once (peak EWMA ~300 ms against ~1 ms),
     * or the fast one did (under the 10 ms initial estimate), the fast one wins every pick.
     */
    @Test
    void ewmaSendsNextToNothingToASlowEndpoint() {
        try (TestBackend fast = TestBackend.http1("fast");
             TestBackend slow = TestBackend.http1("slow");
             WaypointHarness waypoint = waypoint()) {
            slow.respond(seen -> new Reply(200, "slow", Duration.ofMillis(300)));
            waypoint.update(new Mesh().service("pair", fast.port(), slow.port())
                    .policy(Mesh.trafficPolicy("pair").balancer(LoadBalancerAlgorithm.EWMA).build())
                    .config());
            Http1Client client = new Http1Client(waypoint.port());
            int requests = 30;
            for (int i = 0; i < requests; i++) {
                assertEquals(200, client.get("pair", "/").statusCode());
            }
            assertTrue(slow.requests() <= 2, "the slow endpoint got " + slow.requests() + " of " + requests);
            assertEquals(requests, fast.requests() + slow.requests());
        }
    }

    /**
     * One request is parked on the slow endpoint (it answers its first request only when the test says, later ones
     * at once). While it is outstanding, requests sent one at a time find the fast endpoint idle and the slow one
     * busy: every one goes to the fast endpoint.
     */
    @Test
    void leastRequestAvoidsAnEndpointWithARequestOutstanding() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        CompletableFuture<Void> parked = new CompletableFuture<>();
        AtomicBoolean first = new AtomicBoolean(true);
        ExecutorService background = Executors.newSingleThreadExecutor();
        try (TestBackend fast = TestBackend.http1("fast");
             TestBackend slow = TestBackend.http1("slow");
             WaypointHarness waypoint = waypoint()) {
            slow.respond(seen -> {
                if (first.compareAndSet(true, false)) {
                    parked.complete(null);
                    return Reply.heldUntil(release, 200, "slow");
                }
                return Reply.ok("slow");
            });
            waypoint.update(new Mesh().service("pair", fast.port(), slow.port())
                    .policy(Mesh.trafficPolicy("pair").balancer(LoadBalancerAlgorithm.LEAST_REQUEST).build())
                    .config());
            Http1Client client = new Http1Client(waypoint.port());
            // With nothing outstanding the pick is a coin toss: send until one lands on the slow endpoint.
            CompletableFuture<HttpResponse<String>> parkedCall = null;
            for (int i = 0; i < 64 && !parked.isDone(); i++) {
                parkedCall = CompletableFuture.supplyAsync(() -> client.get("pair", "/"), background);
                CompletableFuture.anyOf(parkedCall, parked).get(10, TimeUnit.SECONDS);
            }
            assertTrue(parked.isDone(), "no request reached the slow endpoint");
            int fastBefore = fast.requests();
            int requests = 30;
            for (int i = 0; i < requests; i++) {
                assertEquals("fast", client.get("pair", "/").body());
            }
            assertEquals(1, slow.requests(), "requests went to the endpoint with one outstanding");
            assertEquals(fastBefore + requests, fast.requests());
            release.complete(null);
            assertEquals("slow", parkedCall.get(10, TimeUnit.SECONDS).body());
        } finally {
            release.complete(null);
            background.shutdownNow();
        }
    }
}
