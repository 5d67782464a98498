package dev.ambit.nodeagent.tunnel;

import dev.ambit.runtime.lifecycle.ExecutorStop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file that exists while this process is ready. A predecessor sharing the node's ports (SO_REUSEPORT) may answer
 * an HTTP probe on :15021 in this process's place; a file in the pod's own directory cannot be answered by anyone
 * else, so it is what a Kubernetes exec probe (or the local mesh) checks before the predecessor is stopped.
 */
final class ReadyFile implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ReadyFile.class);

    private final Path file;
    private final ScheduledExecutorService updater;
    private boolean present;

    private ReadyFile(Path file, ScheduledExecutorService updater) {
        this.file = file;
        this.updater = updater;
    }

    /** Follows {@code ready} every {@code period}: the file appears when it turns true and goes when it turns false. */
    static ReadyFile follow(Path file, BooleanSupplier ready, Duration period) {
        ScheduledExecutorService updater = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "ambit-ready-file");
            thread.setDaemon(true);
            return thread;
        });
        ReadyFile readyFile = new ReadyFile(file, updater);
        readyFile.write(false);
        updater.scheduleWithFixedDelay(() -> readyFile.update(ready.getAsBoolean()), 0, period.toMillis(),
                TimeUnit.MILLISECONDS);
        return readyFile;
    }

    /** Removes the file at once, e.g. when draining starts, and keeps it removed. */
    @Override
    public void close() {
        ExecutorStop.now(updater, Duration.ofSeconds(1));
        write(false);
    }

    private synchronized void update(boolean ready) {
        if (ready != present) {
            try {
                write(ready);
                log.info("event=ready_file_{} file={}", ready ? "created" : "removed", file);
            } catch (UncheckedIOException e) {
                log.warn("event=ready_file_failed file={} error=\"{}\"", file, e.getMessage());
            }
        }
    }

    private synchronized void write(boolean ready) {
        try {
            if (ready) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                Files.writeString(file, "ready\n");
            } else {
                Files.deleteIfExists(file);
            }
            present = ready;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot " + (ready ? "create" : "remove") + " the ready file " + file
                    + ": " + e.getMessage(), e);
        }
    }
}
