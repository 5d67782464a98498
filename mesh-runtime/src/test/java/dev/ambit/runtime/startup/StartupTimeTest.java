package dev.ambit.runtime.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class StartupTimeTest {

    /** A real /proc/<pid>/stat line (trimmed after the start time), with a command name that needs care. */
    private static final String STAT = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 1234 0 0 0 80 12 0 0 20 0 "
            + "27 0 5266570 3905785856 30567 18446744073709551615 1 1 0 0 0 0 0 4096 16796414";

    @Test
    void countsFromTheProcessStartSoTheJvmsOwnStartIsIncluded() {
        // Uptime is read first: the exec came before the JVM's start, and the second reading comes later still.
        long jvmUptime = ManagementFactory.getRuntimeMXBean().getUptime();
        long sinceExec = StartupTime.millis();
        // The kernel's start time has a clock tick's resolution (10 ms): allow one tick. The launcher takes tens of
        // milliseconds before the JVM starts its clock; a second is a bound a loaded host stays well within.
        assertTrue(sinceExec >= jvmUptime - 10, "since exec " + sinceExec + " ms, JVM uptime " + jvmUptime + " ms");
        assertTrue(sinceExec <= jvmUptime + 1_000, "since exec " + sinceExec + " ms, JVM uptime " + jvmUptime + " ms");
    }

    @Test
    void readsTheStartAndNowOnTheBootClock() {
        // Started 52,665.70 s after boot (5,266,570 ticks), now 52,668.08 s after boot.
        assertEquals(OptionalLong.of(2_380), StartupTime.millisSinceStart(STAT, "52668.08 21559.89\n"));
    }

    @Test
    void saysNothingForLinesItCannotRead() {
        assertEquals(OptionalLong.empty(), StartupTime.millisSinceStart("4242 java S 1", "52668.08 21559.89"));
        assertEquals(OptionalLong.empty(), StartupTime.millisSinceStart("4242 (java) S 1 2 3", "52668.08 1"));
        assertEquals(OptionalLong.empty(), StartupTime.millisSinceStart(STAT, "soon"));
    }
}
