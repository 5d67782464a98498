package dev.ambit.control;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures what one class logs (at the levels the test configuration lets through) while open. */
public final class LogLines implements AutoCloseable {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    public LogLines(Class<?> source) {
        logger = (Logger) LoggerFactory.getLogger(source);
        appender.start();
        logger.addAppender(appender);
    }

    /** The formatted messages so far that contain {@code text}. */
    public List<String> containing(String text) {
        // Other threads append; the appender appends under its own monitor.
        synchronized (appender) {
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).filter(line -> line.contains(text))
                    .toList();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
