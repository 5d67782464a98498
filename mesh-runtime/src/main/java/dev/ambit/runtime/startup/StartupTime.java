package dev.ambit.runtime.startup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * How long this process took from its exec to now, for the one line each mesh process logs when it is ready
 * ({@code startup_ms=}): a DaemonSet rollout waits for that time on every node, and the line lets a platform team read
 * it from the logs. Measured from the kernel's start time of the process (what {@code ps} shows), so the JVM's own
 * start and class loading count; the JVM's uptime would leave them out.
 *
 * <p>On Linux both ends are read on the kernel's boot clock: the process's start ({@code /proc/self/stat}) and now
 * ({@code /proc/uptime}), so the figure is exact to a clock tick (10 ms). The JDK's
 * {@code ProcessHandle.Info.startInstant()} adds the start to the boot time of {@code /proc/stat}, which is in whole
 * seconds, and compares it with the wall clock: that overstated every start by 0.8 s on one boot of our bench
 * host (bench/RESULTS.md, session 20). It is used only where {@code /proc} cannot be read.
 */
public final class StartupTime {

    /** The kernel's USER_HZ, in which {@code /proc} counts ticks: 100 on every Linux architecture we build for. */
    static final int CLOCK_TICKS_PER_SECOND = 100;
    /** Field 22 of {@code /proc/<pid>/stat}, counted from field 3, the first after the command name. */
    private static final int START_TIME_AFTER_COMMAND = 22 - 3;

    private StartupTime() {
    }

    /** Milliseconds since exec; -1 where the platform does not say when the process started. */
    public static long millis() {
        try {
            OptionalLong fromProc = millisSinceStart(Files.readString(Path.of("/proc/self/stat")),
                    Files.readString(Path.of("/proc/uptime")));
            if (fromProc.isPresent()) {
                return fromProc.getAsLong();
            }
        } catch (IOException | RuntimeException notLinux) {
            // Fall back to the JDK's reading.
        }
        return ProcessHandle.current().info().startInstant()
                .map(started -> Math.max(0, Duration.between(started, Instant.now()).toMillis()))
                .orElse(-1L);
    }

    /**
     * Milliseconds from the start recorded in {@code stat} (a {@code /proc/<pid>/stat} line) to the boot-clock time
     * in {@code uptime} (a {@code /proc/uptime} line); empty when either does not parse.
     */
    static OptionalLong millisSinceStart(String stat, String uptime) {
        // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
        int commandEnd = stat.lastIndexOf(')');
        String[] uptimeFields = uptime.strip().split("\\s+");
        if (commandEnd < 0 || uptimeFields.length == 0) {
            return OptionalLong.empty();
        }
        String[] fields = stat.substring(commandEnd + 1).strip().split("\\s+");
        if (fields.length <= START_TIME_AFTER_COMMAND) {
            return OptionalLong.empty();
        }
        try {
            long startTicks = Long.parseLong(fields[START_TIME_AFTER_COMMAND]);
            long nowMillis = Math.round(Double.parseDouble(uptimeFields[0]) * 1000);
            long startMillis = startTicks * 1000 / CLOCK_TICKS_PER_SECOND;
            return OptionalLong.of(Math.max(0, nowMillis - startMillis));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
