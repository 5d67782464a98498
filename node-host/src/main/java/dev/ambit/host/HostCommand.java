package dev.ambit.host;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a host tool (ip, sysctl, sh) to completion, turning a failure into one message with the tool's stderr. */
public final class HostCommand {

    private static final long TIMEOUT_SECONDS = 30;

    private HostCommand() {
    }

    /** Runs {@code command} and returns its stdout; throws with its stderr when it exits non-zero. */
    public static String run(String... command) {
        return run(List.of(command));
    }

    /** Runs {@code command} and returns its stdout; throws with its stderr when it exits non-zero. */
    public static String run(List<String> command) {
        Process process = null;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .start();
            byte[] out = process.getInputStream().readAllBytes();
            byte[] err = process.getErrorStream().readAllBytes();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS
                        + " s");
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: "
                        + new String(err, StandardCharsets.UTF_8).strip());
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
        }
    }

    /** For cleanup: a failure (the thing is already gone) is not an error. */
    public static void runQuietly(String... command) {
        try {
            run(command);
        } catch (IllegalStateException ignored) {
            // already gone
        }
    }
}
