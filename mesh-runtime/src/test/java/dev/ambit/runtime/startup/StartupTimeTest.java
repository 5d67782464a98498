package dev.ambit.runtime.startup;

import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class StartupTimeTest {

    @Test
    void countsFromTheProcessStartSoTheJvmsOwnStartIsIncluded() {
        // Uptime is read first: the exec came before the JVM's start, and the second reading comes later still.
        long jvmUptime = ManagementFactory.getRuntimeMXBean().getUptime();
        long sinceExec = StartupTime.millis();
        // The kernel's start time has a clock tick's resolution (10 ms here): allow one tick.
        assertTrue(sinceExec >= jvmUptime - 10, "since exec " + sinceExec + " ms, JVM uptime " + jvmUptime + " ms");
        assertTrue(sinceExec < 3_600_000, "a test JVM younger than an hour, not " + sinceExec + " ms");
    }
}
