package dev.ambit.runtime.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventLogConfiguratorTest {

    /** A class loader that sees no logging configuration file: the mesh processes' class path. */
    private static final ClassLoader NO_FILES = new URLClassLoader(new URL[0], null);

    @Test
    void linesReadAsThePatternTheProcessesUsedToHave() {
        LoggerContext context = new LoggerContext();
        Logger logger = context.getLogger("dev.ambit.runtime.transport.Transport");
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.INFO,
                "event=listener_bound listener={} port={}", null, new Object[] {"inbound", 15008});

        String line = new String(EventLineEncoder.events().encode(event), StandardCharsets.UTF_8);

        // %d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level %logger{0} %msg%n
        assertTrue(Pattern.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) INFO  Transport "
                + "event=listener_bound listener=inbound port=15008\\R", line), line);
    }

    @Test
    void aThrowableFollowsItsLine() {
        LoggerContext context = new LoggerContext();
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), context.getLogger("x.Y"), Level.WARN,
                "event=close_failed", new IllegalStateException("broken"), null);

        String[] lines = new String(EventLineEncoder.events().encode(event), StandardCharsets.UTF_8).split("\\R");

        assertTrue(lines[0].endsWith(" WARN  Y event=close_failed"), lines[0]);
        assertEquals("java.lang.IllegalStateException: broken", lines[1]);
        assertTrue(lines[2].strip().startsWith("at dev.ambit.runtime.logging.EventLogConfiguratorTest"), lines[2]);
    }

    @Test
    void accessLinesAreWrittenAsIs() {
        LoggerContext context = new LoggerContext();
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), context.getLogger(LoggerNames.ACCESS),
                Level.INFO, "{\"status\":200}", null, null);

        assertEquals("{\"status\":200}" + System.lineSeparator(),
                new String(EventLineEncoder.messageOnly().encode(event), StandardCharsets.UTF_8));
    }

    @Test
    void setsUpInfoEventsQuietLibrariesAndTheAccessLogOnStandardOutput() {
        LoggerContext context = new LoggerContext();

        assertEquals(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY,
                new EventLogConfigurator(NO_FILES, Map.of()).configure(context));

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertEquals(Level.INFO, root.getLevel());
        assertEquals("System.out", ((ConsoleAppender<?>) root.getAppender("events")).getTarget());
        assertFalse(context.getLogger("io.netty.channel.DefaultChannelPipeline").isInfoEnabled());
        assertFalse(context.getLogger("io.grpc.netty.NettyClientHandler").isInfoEnabled());
        assertTrue(context.getLogger("io.grpc.netty.NettyClientHandler").isWarnEnabled());
        Logger access = context.getLogger(LoggerNames.ACCESS);
        assertFalse(access.isAdditive(), "an access line is not also an event line");
        assertTrue(access.isInfoEnabled());
        assertEquals("System.out", ((BatchedLineAppender) access.getAppender("access")).getTarget(),
                "access lines leave in batches, on standard output");
        assertTrue(LineBatches.plainLines(access).isPresent(), "access lines need no event each");
        context.stop();
    }

    @Test
    void logLevelFromTheEnvironmentAndStandardErrorOnRequest() {
        LoggerContext context = new LoggerContext();
        System.setProperty(EventLogConfigurator.TARGET_PROPERTY, "stderr");
        try {
            new EventLogConfigurator(NO_FILES, Map.of("LOG_LEVEL", "debug")).configure(context);
        } finally {
            System.clearProperty(EventLogConfigurator.TARGET_PROPERTY);
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertEquals(Level.DEBUG, root.getLevel());
        assertEquals("System.err", ((ConsoleAppender<?>) root.getAppender("events")).getTarget());
        context.stop();
    }

    @Test
    void aLevelThatIsNoneFallsBackToInfo() {
        LoggerContext context = new LoggerContext();
        new EventLogConfigurator(NO_FILES, Map.of("LOG_LEVEL", "loud")).configure(context);
        assertEquals(Level.INFO, context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel());
        context.stop();
    }

    @Test
    void anExplicitConfigurationFileWins(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("logback.xml"), "<configuration/>");
        LoggerContext context = new LoggerContext();
        try (URLClassLoader withFile = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY,
                    new EventLogConfigurator(withFile, Map.of()).configure(context));
        }
        assertNull(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("events"));
        context.stop();
    }
}
