package dev.ambit.runtime.lifecycle;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stopping a component's own executor on close: its task is interrupted, and the close waits a bounded time for it
 * to end, so that nothing the task does lands after its owner closed what the task uses.
 */
public final class ExecutorStop {

    private ExecutorStop() {
    }

    /**
     * Interrupts what {@code executor} runs, drops what it has queued, and waits up to {@code grace} for it to end.
     * An interrupt of the caller ends the wait early and stays set.
     */
    public static void now(ExecutorService executor, Duration grace) {
        executor.shutdownNow();
        try {
            executor.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
