package dev.ambit.waypoint.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tracing off costs no OpenTelemetry class: a waypoint JVM that serves requests with tracing off loads none, and the
 * same JVM with tracing on does (so that the check can see them). Each run is a JVM of its own, with the JVM's
 * class-load log, since this test JVM loads the SDK for the other tests.
 */
@Timeout(120)
class TracingClassLoadingTest {

    @TempDir
    Path directory;

    @Test
    void tracingOffLoadsNoOpenTelemetryClassAndOnDoes() throws Exception {
        List<String> off = loadedClasses("off");
        List<String> on = loadedClasses("on");
        List<String> otelOff = off.stream().filter(name -> name.startsWith("io.opentelemetry.")).toList();
        List<String> otelOn = on.stream().filter(name -> name.startsWith("io.opentelemetry.")).toList();
        System.out.printf("event=classes_loaded tracing=off total=%d opentelemetry=%d%n", off.size(), otelOff.size());
        System.out.printf("event=classes_loaded tracing=on total=%d opentelemetry=%d%n", on.size(), otelOn.size());
        assertEquals(List.of(), otelOff);
        assertTrue(otelOn.contains("io.opentelemetry.sdk.trace.export.BatchSpanProcessor"), otelOn.toString());
        // What tracing off does load of the span seam: the interfaces and their no-op instances, nothing per request.
        List<String> seam = off.stream().filter(name -> name.startsWith("dev.ambit.waypoint.observe.SpanRecorder")
                || name.startsWith("dev.ambit.waypoint.observe.RequestSpans")).sorted().toList();
        System.out.println("event=span_seam_classes tracing=off classes=" + seam);
        assertTrue(off.stream().noneMatch(name -> name.startsWith("dev.ambit.waypoint.observe.otlp.")), seam.toString());
    }

    private List<String> loadedClasses(String mode) throws IOException, InterruptedException {
        Path log = directory.resolve("classes-" + mode + ".log");
        Path output = directory.resolve("probe-" + mode + ".out");
        Process probe = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xlog:class+load=info:file=" + log + ":uptime",
                "-Djdk.httpclient.allowRestrictedHeaders=host",
                "-cp", System.getProperty("java.class.path"),
                SpanRecorderProbe.class.getName(), mode)
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertTrue(probe.waitFor(100, TimeUnit.SECONDS), "probe did not exit");
        String printed = Files.readString(output);
        assertEquals(0, probe.exitValue(), printed);
        assertTrue(printed.contains("probe=done"), printed);
        // Lines read "[0.123s] java.lang.Object source: shared objects file".
        return Files.readAllLines(log).stream()
                .map(line -> line.substring(line.indexOf(']') + 1).trim())
                .map(line -> line.split(" ", 2)[0])
                .filter(name -> !name.isEmpty())
                .toList();
    }
}
