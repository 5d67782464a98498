package dev.ambit.runtime.startup;

import java.time.Duration;
import java.time.Instant;

/**
 * How long this process took from its exec to now, for the one line each mesh process logs when it is ready
 * ({@code startup_ms=}): a DaemonSet rollout waits for that time on every node, and the line lets a platform team read
 * it from the logs. Measured from the kernel's start time of the process (what {@code ps} shows), so the JVM's own
 * start and class loading count; the JVM's uptime would leave them out.
 */
public final class StartupTime {

    private StartupTime() {
    }

    /** Milliseconds since exec; -1 where the platform does not say when the process started. */
    public static long millis() {
        return ProcessHandle.current().info().startInstant()
                .map(started -> Math.max(0, Duration.between(started, Instant.now()).toMillis()))
                .orElse(-1L);
    }
}
