package dev.ambit.waypoint.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import dev.ambit.runtime.logging.BatchedLineAppender;
import dev.ambit.waypoint.testing.AccessLogCapture;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The line format, and that the writer thread loses nothing: every line queued is out once the log is closed. */
class AccessLogTest {

    @Test
    void formatsFieldsInOrderEscapingStringsAndKeepingNumbersBare() {
        AccessLog log = new AccessLog(AccessLogSettings.defaults());
        AccessLogEntry entry = new AccessLogEntry()
                .put(AccessLogField.PATH, "/a\"b\\c\nd\u0001e\u00e9")
                .put(AccessLogField.START_TIME, Instant.parse("2026-01-02T03:04:05.678Z"))
                .put(AccessLogField.RESPONSE_CODE, 200)
                .put(AccessLogField.BYTES_SENT, 12_345_678_901L)
                .put(AccessLogField.USER_AGENT, null);
        assertEquals("{\"start_time\":\"2026-01-02T03:04:05.678Z\",\"path\":\"/a\\\"b\\\\c\\nd\\u0001e\u00e9\","
                + "\"response_code\":200,\"bytes_sent\":12345678901}", log.format(entry));
    }

    @Test
    void leavesOutFieldsTheSettingsDoNotKeep() {
        AccessLog log = new AccessLog(new AccessLogSettings(true, EnumSet.of(AccessLogField.METHOD)));
        assertEquals("{\"method\":\"GET\"}", log.format(new AccessLogEntry()
                .put(AccessLogField.METHOD, "GET").put(AccessLogField.PATH, "/")));
    }

    @Test
    void everyLineFromSeveralThreadsIsWrittenByClose() throws Exception {
        int perThread = 5_000;
        List<String> lines;
        try (AccessLogCapture capture = new AccessLogCapture()) {
            AccessLog log = new AccessLog(AccessLogSettings.defaults());
            Thread[] threads = IntStream.range(0, 4).mapToObj(t -> new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    log.write(new AccessLogEntry().put(AccessLogField.PATH, "/" + t + "/" + i));
                }
            })).toArray(Thread[]::new);
            for (Thread thread : threads) {
                thread.start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            log.close();
            log.write(new AccessLogEntry().put(AccessLogField.PATH, "/after-close"));
            lines = capture.lines();
        }
        assertEquals(4 * perThread + 1, lines.size());
        assertEquals(4 * perThread + 1, lines.stream().distinct().count());
        assertTrue(lines.contains("{\"path\":\"/after-close\"}"));
    }

    @Test
    void eachBatchLeavesTheMeshsBatchingAppenderWithoutWaitingForClose() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
        Level level = logger.getLevel();
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(logger.getLoggerContext());
        encoder.setPattern("%msg%n");
        encoder.start();
        BatchedLineAppender appender = new BatchedLineAppender();
        appender.setContext(logger.getLoggerContext());
        appender.setEncoder(encoder);
        // Holds everything until flushed, so only the access log's end-of-batch flush can make the lines appear.
        appender.setOutputStream(new BufferedOutputStream(written, 1 << 20));
        appender.start();
        logger.setLevel(Level.INFO);
        logger.addAppender(appender);
        AccessLog log = new AccessLog(AccessLogSettings.defaults());
        try {
            for (int i = 0; i < 3; i++) {
                log.write(new AccessLogEntry().put(AccessLogField.PATH, "/" + i));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (lineCount(written) < 3 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(3, lineCount(written), "lines still in the appender's buffer: " + written);
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(level);
            log.close();
        }
    }

    private static long lineCount(ByteArrayOutputStream written) {
        synchronized (written) {
            return written.toString(StandardCharsets.UTF_8).lines().count();
        }
    }
}
