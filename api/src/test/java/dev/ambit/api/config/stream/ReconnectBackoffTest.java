package dev.ambit.api.config.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How long a node waits before it tries the controller again. */
class ReconnectBackoffTest {

    @Test
    void aLongOutageIsRetriedAtLeastEveryFiveSecondsWithJitter() {
        assertEquals(Duration.ofSeconds(5), ConfigStreamClient.MAX_BACKOFF,
                "a node is back within --source-wait of a controller that returned");
        ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofMillis(200), ConfigStreamClient.MAX_BACKOFF);
        long longest = 0;
        long shortestLate = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 200; attempt++) {
            long delay = backoff.nextDelayMillis();
            assertTrue(delay >= 200 && delay <= 5_000, "attempt " + attempt + ": " + delay + " ms");
            longest = Math.max(longest, delay);
            if (attempt >= 10) {
                shortestLate = Math.min(shortestLate, delay);
            }
        }
        assertTrue(longest > 4_000, "the ceiling reaches the cap: " + longest);
        assertTrue(shortestLate < 1_000, "full jitter: even late delays can be short, " + shortestLate);
    }

    @Test
    void aStreamThatWorkedStartsOverAtTheShortestDelay() {
        ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofMillis(200), ConfigStreamClient.MAX_BACKOFF);
        for (int attempt = 0; attempt < 20; attempt++) {
            backoff.nextDelayMillis();
        }
        backoff.reset();
        assertEquals(200, backoff.nextDelayMillis());
    }
}
