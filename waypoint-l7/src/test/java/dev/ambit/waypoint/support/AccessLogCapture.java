package dev.ambit.waypoint.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ambit.waypoint.observe.AccessLog;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures access-log lines (silenced in tests otherwise) while open. */
public final class AccessLogCapture implements AutoCloseable {

    private final Logger logger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Level level = logger.getLevel();

    public AccessLogCapture() {
        appender.start();
        logger.setLevel(Level.INFO);
        logger.addAppender(appender);
    }

    public List<String> lines() {
        return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(level);
    }
}
