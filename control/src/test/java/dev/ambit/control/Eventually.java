package dev.ambit.control;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls what the controller does asynchronously (informers, workers, elections) until it shows or time is up. */
public final class Eventually {

    private static final long POLL_MILLIS = 20;

    private Eventually() {
    }

    public static void until(Duration within, String what, BooleanSupplier condition) throws InterruptedException {
        present(within, what, () -> condition.getAsBoolean() ? Boolean.TRUE : null);
    }

    /** The first non-null value of {@code value}. */
    public static <T> T present(Duration within, String what, Supplier<T> value) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        for (T current = value.get(); ; current = value.get()) {
            if (current != null) {
                return current;
            }
            if (System.nanoTime() > deadline) {
                fail(what + ": not within " + within);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
