package dev.ambit.waypoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.model.ServiceRef;
import dev.ambit.api.model.traffic.Mirror;
import dev.ambit.waypoint.testing.Http1Client;
import dev.ambit.waypoint.testing.Mesh;
import dev.ambit.waypoint.testing.NoLeaks;
import dev.ambit.waypoint.testing.TestBackend;
import dev.ambit.waypoint.testing.WaypointHarness;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code TrafficPolicy.mirror} below 100 %: a share of the requests is copied to the mirror service. */
@ExtendWith(NoLeaks.class)
@Timeout(60)
class MirrorTest {

    /**
     * 25 % of 400 requests: 100 expected, binomial standard deviation 8.7. The bounds 60..140 are more than four
     * deviations wide, and the waypoint's random source is seeded, so the count is the same on every run.
     */
    @Test
    void aQuarterOfTheRequestsAreMirrored() throws Exception {
        Set<String> unexpected = ConcurrentHashMap.newKeySet();
        try (TestBackend app = TestBackend.http1("app");
             TestBackend shadow = TestBackend.http1("shadow");
             WaypointHarness waypoint = new WaypointHarness(WaypointSettings.defaults().withRandom(new Random(7)))) {
            shadow.respond(seen -> {
                if (!seen.headers().get("host").equals(Mesh.host("app") + "-shadow")
                        || !seen.headers().get("x-request-id").startsWith("r-")) {
                    unexpected.add(seen.headers().get("host") + " " + seen.headers().get("x-request-id"));
                }
                return TestBackend.Reply.ok("shadow");
            });
            waypoint.update(new Mesh().service("app", app.port()).service("shadow", shadow.port())
                    .policy(Mesh.trafficPolicy("app")
                            .mirror(new Mirror(ServiceRef.of(Mesh.name("shadow"), 80), 25)).build())
                    .config());
            Http1Client client = new Http1Client(waypoint.port());
            int requests = 400;
            for (int i = 0; i < requests; i++) {
                assertEquals("app", client.send("app", "GET", "/", Map.of("x-request-id", "r-" + i), null).body());
            }
            assertEquals(requests, app.requests(), "mirroring never takes the real request away");
            // Copies are sent as each request is forwarded and travel on their own: wait for the lower bound. A
            // mirror that copied everything would have sent far more than the upper bound by then.
            shadow.awaitRequests(60);
            int mirrored = shadow.requests();
            assertTrue(mirrored <= 140, mirrored + " of " + requests + " mirrored");
            assertEquals(Set.of(), unexpected, "copies carry the request's id and the host with -shadow");
        }
    }
}
