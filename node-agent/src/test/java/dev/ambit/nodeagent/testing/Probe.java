package dev.ambit.nodeagent.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** A running steering_probe.py: its stdout lines are events the test waits for. */
public final class Probe implements AutoCloseable {

    private static final long EVENT_TIMEOUT_SECONDS = 10;
    private static final Path SCRIPT = extractScript();

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private Probe(Process process) {
        this.process = process;
        Thread reader = new Thread(this::readLines, "probe-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code python3 probe args} placed by {@code placement} (a pod's or a node's namespace). */
    static Probe start(UnaryOperator<List<String>> placement, String... args) {
        List<String> words = new ArrayList<>(List.of("python3", "-u", SCRIPT.toString()));
        words.addAll(List.of(args));
        List<String> command = placement.apply(words);
        try {
            return new Probe(new ProcessBuilder(command).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    private void readLines() {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines.add(line);
            }
        } catch (IOException ignored) {
            // the process is gone
        }
    }

    /** The words of the next line, which must start with {@code event}. */
    public String[] await(String event) {
        try {
            String line = lines.poll(EVENT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("no " + event + " from the probe within " + EVENT_TIMEOUT_SECONDS + " s");
            }
            String[] words = line.split(" ");
            if (!words[0].equals(event)) {
                throw new AssertionError("expected " + event + " from the probe, got: " + line + rest());
            }
            return words;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + event, e);
        }
    }

    /** What else the probe said, e.g. the rest of a Python traceback. */
    private String rest() throws InterruptedException {
        StringBuilder rest = new StringBuilder();
        for (String line = lines.poll(200, TimeUnit.MILLISECONDS); line != null; line = lines.poll(200, TimeUnit.MILLISECONDS)) {
            rest.append('\n').append(line);
        }
        return rest.toString();
    }

    /** Writes one line to the probe's stdin (e.g. the "go" of {@code connect-on-go}). */
    public void tell(String line) {
        try {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lets a connected client close its connection (it waits for stdin to close). */
    public void finish() {
        release();
        try {
            process.waitFor(EVENT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes the probe's stdin, which is what a waiting client goes on at, without waiting for it to end. */
    public void release() {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(EVENT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path extractScript() {
        try (var in = Probe.class.getResourceAsStream("/steering_probe.py")) {
            Path script = Files.createTempFile("ambt-steering-probe", ".py");
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            script.toFile().deleteOnExit();
            return script;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot extract steering_probe.py", e);
        }
    }
}
