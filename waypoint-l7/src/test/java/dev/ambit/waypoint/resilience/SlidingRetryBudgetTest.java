package dev.ambit.waypoint.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.model.traffic.RetryBudget;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SlidingRetryBudgetTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);

    private SlidingRetryBudget budget(double ratio, int minPerSecond, int ttlSeconds) {
        return SlidingRetryBudget.of(new RetryBudget(ratio, minPerSecond,
                Duration.ofSeconds(ttlSeconds)), now::get);
    }

    private static int retriesAllowed(SlidingRetryBudget budget, int attempts) {
        int allowed = 0;
        for (int i = 0; i < attempts; i++) {
            allowed += budget.tryRetry() ? 1 : 0;
        }
        return allowed;
    }

    @Test
    void ratioOfRequestsPlusReserve() {
        SlidingRetryBudget budget = budget(0.2, 1, 10);
        for (int i = 0; i < 100; i++) {
            budget.onRequest();
        }
        assertEquals(20 + 10, retriesAllowed(budget, 1000));
    }

    @Test
    void theWindowSlides() {
        SlidingRetryBudget budget = budget(0.5, 0, 2);
        for (int i = 0; i < 10; i++) {
            budget.onRequest();
        }
        assertEquals(5, retriesAllowed(budget, 100));
        now.addAndGet(Duration.ofSeconds(3).toNanos());
        assertFalse(budget.tryRetry(), "old requests no longer earn retries");
        budget.onRequest();
        budget.onRequest();
        assertTrue(budget.tryRetry());
    }
}
