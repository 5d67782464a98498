package dev.ambit.waypoint.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.model.traffic.CircuitBreaker;
import dev.ambit.api.model.traffic.FaultAbort;
import dev.ambit.api.model.traffic.FaultDelay;
import dev.ambit.api.model.traffic.FaultInjection;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Circuit-breaker limits and fault injection decisions. */
class LimitsAndFaultsTest {

    @Test
    void eachLimitAdmitsUpToItsMaximumAndFreesOnDone() {
        CircuitBreakerLimits limits = new CircuitBreakerLimits(new CircuitBreaker(OptionalInt.of(2), OptionalInt.of(1),
                OptionalInt.of(3), OptionalInt.of(0)));
        assertTrue(limits.tryOpenConnection());
        assertTrue(limits.tryOpenConnection());
        assertFalse(limits.tryOpenConnection());
        assertEquals(2, limits.connections());
        limits.connectionClosed();
        assertEquals(1, limits.connections());
        assertTrue(limits.tryOpenConnection());

        assertTrue(limits.tryAddPending());
        assertFalse(limits.tryAddPending());
        limits.pendingDone();
        assertTrue(limits.tryAddPending());

        assertTrue(limits.tryStartRequest());
        assertTrue(limits.tryStartRequest());
        assertTrue(limits.tryStartRequest());
        assertFalse(limits.tryStartRequest());
        limits.requestDone();
        assertTrue(limits.tryStartRequest());

        assertFalse(limits.tryStartRetry(), "no retries allowed at all");
    }

    @Test
    void retriesAreCountedApartFromRequests() {
        CircuitBreakerLimits limits = new CircuitBreakerLimits(new CircuitBreaker(OptionalInt.empty(),
                OptionalInt.empty(), OptionalInt.of(1), OptionalInt.of(1)));
        assertTrue(limits.tryStartRequest());
        assertTrue(limits.tryStartRetry());
        assertFalse(limits.tryStartRetry());
        limits.retryDone();
        assertTrue(limits.tryStartRetry());
        assertFalse(limits.tryStartRequest());
    }

    @Test
    void unlimitedAdmitsEverything() {
        CircuitBreakerLimits limits = CircuitBreakerLimits.unlimited();
        for (int i = 0; i < 10_000; i++) {
            assertTrue(limits.tryOpenConnection() && limits.tryAddPending() && limits.tryStartRequest()
                    && limits.tryStartRetry());
        }
        assertEquals(10_000, limits.connections());
    }

    /** Answers {@code nextDouble()} from a script. */
    private static RandomGenerator doubles(Double... values) {
        Deque<Double> script = new ArrayDeque<>(List.of(values));
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                throw new UnsupportedOperationException();
            }

            @Override
            public double nextDouble() {
                return script.removeFirst();
            }
        };
    }

    private static final FaultDelay DELAY = new FaultDelay(25, Duration.ofMillis(300));
    private static final FaultAbort ABORT = FaultAbort.http(10, 503);

    @Test
    void aFaultHitsWhenTheDrawFallsUnderItsPercentage() {
        FaultInjection both = new FaultInjection(Optional.of(DELAY), Optional.of(ABORT));
        FaultInjector.Plan hit = new FaultInjector(both, doubles(0.2499, 0.0999)).decide();
        assertEquals(Optional.of(Duration.ofMillis(300)), hit.delay());
        assertEquals(Optional.of(ABORT), hit.abort());
        assertFalse(hit.isNone());
        FaultInjector.Plan miss = new FaultInjector(both, doubles(0.25, 0.10)).decide();
        assertEquals(Optional.empty(), miss.delay(), "25 % means draws under 0.25");
        assertEquals(Optional.empty(), miss.abort());
        assertTrue(miss.isNone());
    }

    @Test
    void delayAndAbortAreDecidedIndependently() {
        FaultInjection both = new FaultInjection(Optional.of(DELAY), Optional.of(ABORT));
        FaultInjector.Plan delayOnly = new FaultInjector(both, doubles(0.1, 0.5)).decide();
        assertTrue(delayOnly.delay().isPresent());
        assertTrue(delayOnly.abort().isEmpty());
        assertFalse(delayOnly.isNone());
        FaultInjector.Plan abortOnly = new FaultInjector(new FaultInjection(Optional.empty(), Optional.of(ABORT)),
                doubles(0.05)).decide();
        assertTrue(abortOnly.delay().isEmpty());
        assertTrue(abortOnly.abort().isPresent());
        assertFalse(abortOnly.isNone());
        assertTrue(FaultInjector.Plan.NONE.isNone());
    }
}
