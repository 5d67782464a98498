package dev.ambit.runtime.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.turbo.MDCFilter;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.spi.FilterReply;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.helpers.NOPLogger;

class BatchedLineAppenderTest {

    /** Keeps each write(2) the appender would make, and whether the stream was closed. */
    private static final class Writes extends OutputStream {
        final List<String> writes = new ArrayList<>();
        boolean closed;

        @Override
        public void write(int b) {
            throw new AssertionError("a byte at a time");
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            writes.add(new String(bytes, offset, length, StandardCharsets.UTF_8));
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    private final LoggerContext context = new LoggerContext();
    private final Writes out = new Writes();
    private final Logger logger = context.getLogger(LoggerNames.ACCESS);

    private BatchedLineAppender appender() {
        // What SLF4J's provider gives the process's context; a bare one has none, and events need it.
        context.setMDCAdapter(new LogbackMDCAdapter());
        EventLineEncoder encoder = EventLineEncoder.messageOnly();
        encoder.setContext(context);
        encoder.start();
        BatchedLineAppender appender = new BatchedLineAppender();
        appender.setContext(context);
        appender.setName("access");
        appender.setEncoder(encoder);
        appender.setOutputStream(BatchedLineAppender.batching(out));
        appender.start();
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        logger.addAppender(appender);
        return appender;
    }

    @Test
    void linesWaitForTheFlushAndLeaveInOneWrite() {
        appender();
        logger.info("{\"n\":1}");
        logger.info("{\"n\":2}");
        logger.info("{\"n\":3}");
        assertTrue(out.writes.isEmpty(), "nothing written before the batch ends: " + out.writes);

        LineBatches.flush(logger);

        String nl = System.lineSeparator();
        assertEquals(List.of("{\"n\":1}" + nl + "{\"n\":2}" + nl + "{\"n\":3}" + nl), out.writes);
    }

    @Test
    void aFullBufferLeavesAsWholeLinesOfAtMostPipeBuf() {
        appender();
        String line = "{\"path\":\"" + "a".repeat(640) + "\"}";
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            logger.info(line);
            expected.append(line).append(System.lineSeparator());
        }
        LineBatches.flush(logger);

        assertTrue(out.writes.size() >= 4 && out.writes.size() <= 5, "20 lines of 650 bytes in 4 KiB writes: "
                + out.writes.size());
        for (String write : out.writes) {
            assertTrue(write.length() <= BatchedLineAppender.PIPE_BUF, "a write of " + write.length() + " bytes");
            assertTrue(write.endsWith(System.lineSeparator()), "a write that cuts a line");
        }
        assertEquals(expected.toString(), String.join("", out.writes));
    }

    @Test
    void aLineLongerThanTheBufferIsWrittenWholeAndAlone() {
        appender();
        logger.info("{\"n\":1}");
        String longLine = "{\"path\":\"" + "b".repeat(BatchedLineAppender.PIPE_BUF) + "\"}";
        logger.info(longLine);
        LineBatches.flush(logger);

        assertEquals(List.of("{\"n\":1}" + System.lineSeparator(), longLine + System.lineSeparator()), out.writes);
    }

    @Test
    void stoppingWritesWhatIsLeftAndKeepsTheDescriptorOpen() {
        BatchedLineAppender appender = appender();
        logger.info("{\"n\":1}");

        appender.stop();

        assertEquals(List.of("{\"n\":1}" + System.lineSeparator()), out.writes);
        assertFalse(out.closed, "standard output outlives the appender");
    }

    /** The access log's lines skip the event where the set-up is the mesh's own, and the bytes are the same. */
    @Test
    void theMeshsSetUpTakesPlainLinesWrittenAsTheirEventsWouldBe() {
        appender();
        LineSink plain = LineBatches.plainLines(logger).orElseThrow();
        plain.write("{\"n\":1}");
        logger.info("{\"n\":2}");
        plain.write("{\"n\":3}");
        LineBatches.flush(logger);

        String nl = System.lineSeparator();
        assertEquals(List.of("{\"n\":1}" + nl + "{\"n\":2}" + nl + "{\"n\":3}" + nl), out.writes);
    }

    /** A configuration of one's own with the message alone as its pattern takes them too; any other pattern not. */
    @Test
    void aMessageOnlyPatternTakesPlainLinesToo() {
        BatchedLineAppender appender = appender();
        appender.stop();
        for (String pattern : List.of("%msg%n", "%d %msg%n")) {
            PatternLayoutEncoder encoder = new PatternLayoutEncoder();
            encoder.setContext(context);
            encoder.setPattern(pattern);
            encoder.setCharset(StandardCharsets.UTF_8);
            encoder.start();
            appender.setEncoder(encoder);
            appender.setOutputStream(BatchedLineAppender.batching(out));
            appender.start();
            assertEquals(pattern.equals("%msg%n"), LineBatches.plainLines(logger).isPresent(), pattern);
            appender.stop();
        }
    }

    /** Anything else would see, filter or format a line differently: it gets its events. */
    @Test
    void anyOtherSetUpIsLoggedToAsUsual() {
        BatchedLineAppender appender = appender();
        ListAppender<ILoggingEvent> capture = new ListAppender<>();
        capture.setContext(context);
        capture.start();
        logger.addAppender(capture);
        assertTrue(LineBatches.plainLines(logger).isEmpty(), "a second appender");
        logger.detachAppender(capture);
        assertTrue(LineBatches.plainLines(logger).isPresent());

        logger.setAdditive(true);
        assertTrue(LineBatches.plainLines(logger).isEmpty(), "additive");
        logger.setAdditive(false);

        logger.setLevel(Level.WARN);
        assertTrue(LineBatches.plainLines(logger).isEmpty(), "INFO off");
        logger.setLevel(Level.INFO);

        appender.addFilter(new Filter<>() {
            @Override
            public FilterReply decide(ILoggingEvent event) {
                return FilterReply.NEUTRAL;
            }
        });
        assertTrue(LineBatches.plainLines(logger).isEmpty(), "the appender's own filter");
        appender.clearAllFilters();

        context.addTurboFilter(new MDCFilter());
        assertTrue(LineBatches.plainLines(logger).isEmpty(), "a turbo filter");
        context.resetTurboFilterList();

        appender.stop();
        assertTrue(LineBatches.plainLines(logger).isEmpty(), "stopped");
        assertTrue(LineBatches.plainLines(NOPLogger.NOP_LOGGER).isEmpty(), "not logback");
    }

    @Test
    void flushingALoggerWithoutBatchesDoesNothing() {
        Logger plain = context.getLogger("dev.ambit.Other");
        LineBatches.flush(plain);
        LineBatches.flush(NOPLogger.NOP_LOGGER);
        assertTrue(out.writes.isEmpty());
    }

    @Test
    void anUnknownTargetIsRefusedByName() {
        BatchedLineAppender appender = new BatchedLineAppender();
        appender.setContext(context);
        appender.setTarget("System.in");
        appender.start();

        assertFalse(appender.isStarted());
        assertTrue(context.getStatusManager().getCopyOfStatusList().stream()
                .anyMatch(status -> status.getMessage().contains("System.in")));
    }
}
