package dev.ambit.waypoint.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.model.traffic.RetryOn;
import dev.ambit.api.model.traffic.RetryPolicy;
import dev.ambit.waypoint.resilience.RetryConditions.Failure;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** Which outcomes are retried, how long to back off, and how the retry budget's window counts. */
class RetryDecisionTest {

    private static RetryConditions on(Set<RetryOn> retryOn, Set<Integer> codes, Set<Integer> grpc) {
        return new RetryConditions(new RetryPolicy(2, Optional.empty(), retryOn, codes, grpc, Optional.empty()));
    }

    @Test
    void http5xxRetriesEveryServerErrorAndEveryFailure() {
        RetryConditions conditions = on(Set.of(RetryOn.HTTP_5XX), Set.of(), Set.of());
        assertTrue(conditions.retriable(500, -1));
        assertTrue(conditions.retriable(599, -1));
        assertFalse(conditions.retriable(499, -1));
        assertFalse(conditions.retriable(200, -1));
        for (Failure failure : Failure.values()) {
            assertTrue(conditions.retriable(failure), failure.name());
        }
    }

    @Test
    void gatewayErrorRetries502To504Only() {
        RetryConditions conditions = on(Set.of(RetryOn.GATEWAY_ERROR), Set.of(), Set.of());
        assertFalse(conditions.retriable(501, -1));
        assertTrue(conditions.retriable(502, -1));
        assertTrue(conditions.retriable(504, -1));
        assertFalse(conditions.retriable(505, -1));
        assertTrue(conditions.retriable(Failure.TIMEOUT));
    }

    @Test
    void listedStatusCodesAreRetriedOnlyWithRetriableStatusCodes() {
        RetryConditions conditions = on(Set.of(RetryOn.RETRIABLE_STATUS_CODES), Set.of(409), Set.of());
        assertTrue(conditions.retriable(409, -1));
        assertFalse(conditions.retriable(500, -1));
        assertFalse(conditions.retriable(Failure.CONNECT_FAILURE));
        assertFalse(conditions.retriable(Failure.RESET));
        assertFalse(conditions.retriable(Failure.TIMEOUT));
    }

    @Test
    void connectFailureAndResetAreSeparateChoices() {
        RetryConditions connect = on(Set.of(RetryOn.CONNECT_FAILURE), Set.of(), Set.of());
        assertTrue(connect.retriable(Failure.CONNECT_FAILURE));
        assertFalse(connect.retriable(Failure.RESET));
        assertFalse(connect.retriable(Failure.TIMEOUT));
        assertFalse(connect.retriable(503, -1));
        RetryConditions reset = on(Set.of(RetryOn.RESET), Set.of(), Set.of());
        assertTrue(reset.retriable(Failure.RESET));
        assertFalse(reset.retriable(Failure.CONNECT_FAILURE));
    }

    @Test
    void grpcStatusesAreRetriedWhateverTheHttpStatus() {
        RetryConditions conditions = on(Set.of(), Set.of(), Set.of(14));
        assertTrue(conditions.retriable(200, 14));
        assertFalse(conditions.retriable(200, 13));
        assertFalse(conditions.retriable(200, -1));
        assertFalse(on(Set.of(), Set.of(), Set.of(1)).retriable(200, 0), "0 is OK, never retried");
    }

    /** Returns the bound it is asked for minus one: the longest delay allowed. */
    private static final RandomGenerator LONGEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    @Test
    void backoffDoublesFromTheBaseUpToTheCap() {
        Backoff backoff = new Backoff(25, 250);
        assertEquals(25, backoff.delayNanos(1, LONGEST));
        assertEquals(50, backoff.delayNanos(2, LONGEST));
        assertEquals(100, backoff.delayNanos(3, LONGEST));
        assertEquals(200, backoff.delayNanos(4, LONGEST));
        assertEquals(250, backoff.delayNanos(5, LONGEST));
        assertEquals(250, backoff.delayNanos(60, LONGEST), "the shift is capped, so it cannot overflow");
        assertEquals(0, new Backoff(0, 250).delayNanos(1, LONGEST));
    }

    @Test
    void aBudgetOfZeroRatioAllowsOnlyTheReserve() {
        AtomicLong now = new AtomicLong(7_000_000_000L);
        SlidingRetryBudget budget = SlidingRetryBudget.of(new dev.ambit.api.model.traffic.RetryBudget(0, 2, Duration.ofSeconds(1)),
                now::get);
        budget.onRequest();
        assertTrue(budget.tryRetry());
        assertTrue(budget.tryRetry());
        assertFalse(budget.tryRetry());
        now.addAndGet(1_000_000_000L);
        assertTrue(budget.tryRetry(), "the one-second window moved on");
    }

    @Test
    void aPartialSecondOfTtlRoundsUpToAWholeBucket() {
        AtomicLong now = new AtomicLong(7_000_000_000L);
        SlidingRetryBudget budget = SlidingRetryBudget.of(new dev.ambit.api.model.traffic.RetryBudget(0, 1,
                Duration.ofMillis(1_500)), now::get);
        assertTrue(budget.tryRetry());
        assertTrue(budget.tryRetry(), "1.5 s holds two seconds of reserve");
        assertFalse(budget.tryRetry());
        now.addAndGet(1_000_000_000L);
        assertFalse(budget.tryRetry(), "the window is two seconds long");
        now.addAndGet(1_000_000_000L);
        assertTrue(budget.tryRetry());
    }

    @Test
    void retriesOlderThanTheWindowAreForgottenBucketByBucket() {
        AtomicLong now = new AtomicLong(10_000_000_000L);
        SlidingRetryBudget budget = SlidingRetryBudget.of(new dev.ambit.api.model.traffic.RetryBudget(0, 1, Duration.ofSeconds(3)),
                now::get);
        assertTrue(budget.tryRetry());
        now.addAndGet(1_000_000_000L);
        assertTrue(budget.tryRetry());
        now.addAndGet(1_000_000_000L);
        assertTrue(budget.tryRetry());
        assertFalse(budget.tryRetry(), "three retries in three seconds");
        now.addAndGet(1_000_000_000L);
        assertTrue(budget.tryRetry(), "the first second left the window");
        assertFalse(budget.tryRetry());
    }

    @Test
    void anUnlimitedBudgetAlwaysRetries() {
        SlidingRetryBudget budget = SlidingRetryBudget.unlimited();
        for (int i = 0; i < 1_000; i++) {
            assertTrue(budget.tryRetry());
        }
    }
}
