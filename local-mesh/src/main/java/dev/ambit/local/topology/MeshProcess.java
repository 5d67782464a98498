package dev.ambit.local.topology;

import dev.ambit.testbed.Netns;
import dev.ambit.testbed.Pod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process of the local mesh placed like a Kubernetes container: in a network namespace (its pod or node) and in
 * a cgroup (its pod's, so that eBPF steering sees it as that pod). It is moved into the cgroup before it execs, so
 * every socket it ever opens belongs to the pod.
 */
public final class MeshProcess {

    private final String name;
    private final Process process;
    private final Path cgroup;
    private final Path log;

    private MeshProcess(String name, Process process, Path cgroup, Path log) {
        this.name = name;
        this.process = process;
        this.cgroup = cgroup;
        this.log = log;
    }

    /** Starts {@code command} in {@code netns} and {@code cgroup}, its output appended to {@code log}. */
    public static MeshProcess start(String name, String netns, Path cgroup, List<String> command, Path log) {
        try {
            Files.createDirectories(cgroup);
            Files.createDirectories(log.getParent());
            // Joins the cgroup, then the namespace (nsenter: `ip netns exec` would hide cgroup2 and the host's bpffs).
            Process process = new ProcessBuilder(Pod.command(new Netns(netns), cgroup, command))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .start();
            return new MeshProcess(name, process, cgroup, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code command} to completion in {@code netns} and {@code cgroup}, returning its output. */
    public static String run(String name, String netns, Path cgroup, List<String> command, Path log, Duration timeout) {
        MeshProcess process = start(name, netns, cgroup, command, log);
        if (!process.awaitExit(timeout)) {
            process.kill();
            throw new IllegalStateException(name + " did not finish within " + timeout + "; see " + log);
        }
        return process.lastLine();
    }

    /** Waits until the process has written a line containing {@code text}; fails if it ends or times out first. */
    public void awaitOutput(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains(text)) {
            if (!process.isAlive() && !output().contains(text)) {
                throw new IllegalStateException(name + " ended before writing '" + text + "'; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not write '" + text + "' within " + timeout + "; see "
                        + log);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + name, e);
            }
        }
    }

    /** The last line the process wrote, e.g. a client's summary once it has ended. */
    public String lastLine() {
        List<String> lines = output().lines().toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    /** Everything the process has written so far. */
    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return whether the process ended within {@code timeout} */
    public boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public int exitCode() {
        return process.exitValue();
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path cgroup() {
        return cgroup;
    }

    public Path log() {
        return log;
    }

    /** SIGTERM, then SIGKILL after {@code grace}: what the kubelet does. */
    public void stop(Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGKILL at once, as a crash would. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
