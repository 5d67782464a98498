package dev.ambit.waypoint.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures what one logger logs at INFO and above while open (events carry their time: {@code getTimeStamp()}). */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogCapture(Class<?> source) {
        logger = (Logger) LoggerFactory.getLogger(source);
        appender.start();
        logger.addAppender(appender);
        if (!logger.isInfoEnabled()) {
            throw new IllegalStateException(source + " does not log at INFO in tests");
        }
    }

    /** Events whose message contains {@code text}, oldest first. */
    public List<ILoggingEvent> events(String text) {
        // Loggers run on the waypoint's event loops; the appender appends under its monitor.
        synchronized (appender) {
            return appender.list.stream().filter(event -> event.getFormattedMessage().contains(text)).toList();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
    }
}
