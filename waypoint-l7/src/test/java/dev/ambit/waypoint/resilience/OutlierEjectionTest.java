package dev.ambit.waypoint.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.model.traffic.OutlierDetection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OutlierEjectionTest {

    private static final long SECOND = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(1_000 * SECOND);

    private OutlierDetector detector(int consecutive, int maxPercent, Duration base, List<OutlierState> endpoints) {
        return new OutlierDetector(new OutlierDetection(consecutive, Duration.ofSeconds(10), base, maxPercent),
                endpoints, now::get);
    }

    private static void errors(OutlierDetector detector, OutlierState endpoint, int count) {
        for (int i = 0; i < count; i++) {
            detector.serverError(endpoint, "e");
        }
    }

    @Test
    void ejectsAfterTheConfiguredConsecutiveErrorsForTheBaseTime() {
        OutlierState endpoint = new OutlierState();
        OutlierDetector detector = detector(3, 100, Duration.ofSeconds(30), List.of(endpoint, new OutlierState()));
        errors(detector, endpoint, 2);
        assertFalse(endpoint.isEjected(now.get()), "two errors are not yet three");
        detector.serverError(endpoint, "e");
        assertTrue(endpoint.isEjected(now.get()));
        assertTrue(endpoint.isEjected(now.get() + 30 * SECOND - 1));
        assertFalse(endpoint.isEjected(now.get() + 30 * SECOND), "back exactly when the time is up");
    }

    @Test
    void aSuccessResetsTheCount() {
        OutlierState endpoint = new OutlierState();
        OutlierDetector detector = detector(3, 100, Duration.ofSeconds(30), List.of(endpoint, new OutlierState()));
        errors(detector, endpoint, 2);
        detector.success(endpoint);
        errors(detector, endpoint, 2);
        assertFalse(endpoint.isEjected(now.get()));
        detector.serverError(endpoint, "e");
        assertTrue(endpoint.isEjected(now.get()));
    }

    @Test
    void atMostTheMaxPercentIsOutAtOnce() {
        OutlierState a = new OutlierState();
        OutlierState b = new OutlierState();
        OutlierState c = new OutlierState();
        OutlierState d = new OutlierState();
        OutlierDetector detector = detector(1, 50, Duration.ofSeconds(30), List.of(a, b, c, d));
        detector.serverError(a, "a");
        detector.serverError(b, "b");
        assertTrue(a.isEjected(now.get()) && b.isEjected(now.get()), "two of four is 50 %");
        detector.serverError(c, "c");
        assertFalse(c.isEjected(now.get()), "a third would be 75 %");
        now.addAndGet(30 * SECOND);
        detector.serverError(c, "c");
        assertTrue(c.isEjected(now.get()), "room again once the others returned");
    }

    @Test
    void zeroPercentNeverEjects() {
        OutlierState a = new OutlierState();
        OutlierDetector detector = detector(1, 0, Duration.ofSeconds(30), List.of(a, new OutlierState()));
        errors(detector, a, 5);
        assertFalse(a.isEjected(now.get()));
    }

    @Test
    void anEjectedEndpointIsNotEjectedAgainWhileOut() {
        OutlierState a = new OutlierState();
        OutlierDetector detector = detector(1, 100, Duration.ofSeconds(30), List.of(a, new OutlierState()));
        detector.serverError(a, "a");
        now.addAndGet(20 * SECOND);
        detector.serverError(a, "a");
        assertFalse(a.isEjected(now.get() + 10 * SECOND), "the first ejection's end still holds");
    }

    @Test
    void repeatedEjectionsGrowAndForgiveTimeSpentBack() {
        OutlierState a = new OutlierState();
        long base = 10 * SECOND;
        long interval = 60 * SECOND;
        long max = 1_000 * SECOND;
        long t = 5_000 * SECOND;
        assertEquals(base, a.eject(t, base, interval, max));
        t += base;
        assertFalse(a.isEjected(t));
        assertEquals(2 * base, a.eject(t + SECOND, base, interval, max), "back for less than an interval");
        t += SECOND + 2 * base;
        assertFalse(a.isEjected(t));
        assertEquals(2 * base, a.eject(t + interval, base, interval, max), "one interval back forgives one");
        t += interval + 2 * base;
        assertFalse(a.isEjected(t));
        assertEquals(base, a.eject(t + 10 * interval, base, interval, max), "never below one");
    }

    @Test
    void anEjectionIsCappedAtTheMaximum() {
        OutlierState a = new OutlierState();
        long t = SECOND;
        for (int i = 0; i < 3; i++) {
            a.eject(t, 10 * SECOND, 1_000 * SECOND, 25 * SECOND);
            t += 30 * SECOND;
            a.isEjected(t);
        }
        assertEquals(25 * SECOND, a.eject(t, 10 * SECOND, 1_000 * SECOND, 25 * SECOND));
    }

    @Test
    void theDetectorCapsAtFiveMinutesUnlessTheBaseIsLonger() {
        OutlierState a = new OutlierState();
        OutlierDetector detector = detector(1, 100, Duration.ofMinutes(4), List.of(a, new OutlierState()));
        detector.serverError(a, "a");
        now.addAndGet(Duration.ofMinutes(4).toNanos());
        assertFalse(a.isEjected(now.get()));
        detector.serverError(a, "a");
        assertTrue(a.isEjected(now.get() + Duration.ofMinutes(5).toNanos() - 1), "8 minutes capped at 5");
        assertFalse(a.isEjected(now.get() + Duration.ofMinutes(5).toNanos()));

        OutlierState b = new OutlierState();
        OutlierDetector longBase = detector(1, 100, Duration.ofMinutes(7), List.of(b, new OutlierState()));
        longBase.serverError(b, "b");
        assertTrue(b.isEjected(now.get() + Duration.ofMinutes(7).toNanos() - 1), "a longer base is its own cap");
    }

    @Test
    void anEjectionResetsTheErrorCount() {
        OutlierState a = new OutlierState();
        OutlierDetector detector = detector(2, 100, Duration.ofSeconds(10), List.of(a, new OutlierState()));
        errors(detector, a, 2);
        now.addAndGet(10 * SECOND);
        assertFalse(a.isEjected(now.get()));
        detector.serverError(a, "a");
        assertFalse(a.isEjected(now.get()), "counting starts again after an ejection");
    }
}
