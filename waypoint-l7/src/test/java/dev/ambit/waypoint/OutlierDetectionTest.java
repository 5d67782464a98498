package dev.ambit.waypoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.ambit.api.model.traffic.OutlierDetection;
import dev.ambit.waypoint.resilience.OutlierDetector;
import dev.ambit.waypoint.testing.Http1Client;
import dev.ambit.waypoint.testing.LogCapture;
import dev.ambit.waypoint.testing.Mesh;
import dev.ambit.waypoint.testing.NoLeaks;
import dev.ambit.waypoint.testing.TestBackend;
import dev.ambit.waypoint.testing.TestBackend.Reply;
import dev.ambit.waypoint.testing.WaypointHarness;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Outlier ejection beyond the basics of {@link ResilienceTest}: the ejection time grows with each ejection, at most
 * {@code maxEjectionPercent} of the endpoints are out, and with all of them out requests go to any (panic). Round
 * robin makes which endpoint gets which request known; ejections are read from the detector's log line.
 */
@ExtendWith(NoLeaks.class)
@Timeout(60)
class OutlierDetectionTest {

    private static final String EJECTED = "event=outlier_ejected";

    private static WaypointHarness waypoint() {
        return new WaypointHarness(WaypointSettings.defaults().withRandom(new Random(7)));
    }

    private static TestBackend broken(String name) {
        return TestBackend.http1(name).respond(seen -> new Reply(500, name, Duration.ZERO));
    }

    /**
     * A bad endpoint that stays bad: ejected for the base time (300 ms), back, ejected again at once, now for twice
     * the base time (the interval, 10 min, is far from over, so the multiplier did not drop).
     */
    @Test
    void eachEjectionLastsLongerThanTheLast() throws Exception {
        List<Long> badArrivals = new CopyOnWriteArrayList<>();
        try (TestBackend good = TestBackend.http1("good");
             TestBackend bad = TestBackend.http1("bad");
             WaypointHarness waypoint = waypoint();
             LogCapture outliers = new LogCapture(OutlierDetector.class)) {
            bad.respond(seen -> {
                badArrivals.add(System.currentTimeMillis());
                return new Reply(500, "bad", Duration.ZERO);
            });
            waypoint.update(new Mesh().service("pair", good.port(), bad.port())
                    .policy(Mesh.trafficPolicy("pair").outlierDetection(new OutlierDetection(2,
                            Duration.ofMinutes(10), Duration.ofMillis(300), 50)).build())
                    .config());
            Http1Client client = new Http1Client(waypoint.port());
            for (int i = 0; i < 4; i++) {
                client.get("pair", "/");
            }
            List<ILoggingEvent> ejections = outliers.events(EJECTED);
            assertEquals(1, ejections.size());
            assertTrue(ejections.get(0).getFormattedMessage().contains("ejection_ms=300"),
                    ejections.get(0).getFormattedMessage());

            long firstOut = untilBadIsBack(client, bad, 2, badArrivals, ejections.get(0));
            assertTrue(firstOut >= 300 - 20, "first ejection ended after " + firstOut + " ms");

            // Still bad: its second error in a row ejects it again.
            client.get("pair", "/");
            client.get("pair", "/");
            ejections = outliers.events(EJECTED);
            assertEquals(2, ejections.size());
            assertTrue(ejections.get(1).getFormattedMessage().contains("ejection_ms=600"),
                    ejections.get(1).getFormattedMessage());
            long secondOut = untilBadIsBack(client, bad, 4, badArrivals, ejections.get(1));
            assertTrue(secondOut >= 600 - 20, "second ejection ended after " + secondOut + " ms, not twice 300 ms");
        }
    }

    /**
     * Sends requests until the bad endpoint gets its request number {@code seen + 1}; returns how long after the
     * ejection that was.
     */
    private static long untilBadIsBack(Http1Client client, TestBackend bad, int seen, List<Long> badArrivals,
            ILoggingEvent ejection) {
        assertEquals(seen, bad.requests());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (bad.requests() == seen && System.nanoTime() < deadline) {
            client.get("pair", "/");
        }
        assertEquals(seen + 1, bad.requests(), "the endpoint never came back");
        return badArrivals.get(seen) - ejection.getTimeStamp();
    }

    /**
     * Three endpoints, all failing, at most 50 % out: one may be ejected (a second would make 67 %). The other two
     * keep taking requests (and failing them) for as long as the ejection lasts (1 min).
     */
    @Test
    void noMoreThanMaxEjectionPercentOfTheEndpointsAreEjected() {
        try (TestBackend a = broken("a");
             TestBackend b = broken("b");
             TestBackend c = broken("c");
             WaypointHarness waypoint = waypoint();
             LogCapture outliers = new LogCapture(OutlierDetector.class)) {
            waypoint.update(new Mesh().service("trio", a.port(), b.port(), c.port())
                    .policy(Mesh.trafficPolicy("trio").outlierDetection(new OutlierDetection(2,
                            Duration.ofMinutes(10), Duration.ofMinutes(1), 50)).build())
                    .config());
            Http1Client client = new Http1Client(waypoint.port());
            for (int i = 0; i < 30; i++) {
                assertEquals(500, client.get("trio", "/").statusCode());
            }
            assertEquals(1, outliers.events(EJECTED).size(), "ejections: " + outliers.events(EJECTED));
            // a was ejected after its second error (request 4); b and c shared everything after.
            assertEquals(2, a.requests());
            assertEquals(14, b.requests());
            assertEquals(14, c.requests());
        }
    }

    /** Both endpoints failing, both may be ejected: with none left, requests still go to them rather than fail. */
    @Test
    void withEveryEndpointEjectedRequestsGoToAnyOfThem() {
        try (TestBackend a = broken("a");
             TestBackend b = broken("b");
             WaypointHarness waypoint = waypoint();
             LogCapture outliers = new LogCapture(OutlierDetector.class)) {
            waypoint.update(new Mesh().service("pair", a.port(), b.port())
                    .policy(Mesh.trafficPolicy("pair").outlierDetection(new OutlierDetection(2,
                            Duration.ofMinutes(10), Duration.ofMinutes(1), 100)).build())
                    .config());
            Http1Client client = new Http1Client(waypoint.port());
            for (int i = 0; i < 4; i++) {
                client.get("pair", "/");
            }
            assertEquals(2, outliers.events(EJECTED).size(), "both ejected");
            for (int i = 0; i < 10; i++) {
                HttpResponse<String> response = client.get("pair", "/");
                assertEquals(500, response.statusCode(), "answered by a backend, not " + response.body());
            }
            assertEquals(2 + 5, a.requests());
            assertEquals(2 + 5, b.requests());
        }
    }
}
