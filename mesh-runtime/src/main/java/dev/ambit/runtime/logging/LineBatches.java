package dev.ambit.runtime.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import java.util.Iterator;
import java.util.Optional;
import org.slf4j.Logger;

/**
 * Where a logger's lines may wait in a {@link BatchedLineAppender}, the code that logs a batch of them says when the
 * batch ends. Through SLF4J's {@code Logger}, so that callers need no logback on their compile class path.
 */
public final class LineBatches {

    private LineBatches() {
    }

    /**
     * Where {@code logger}'s lines may go without an event each: its batching appender, when logging a line there
     * would do nothing but write the message as a line. That is the mesh's own set-up of the access log (INFO, not
     * additive, that one appender writing the message alone, no filters, no turbo filters; see
     * {@link BatchedLineAppender#takesPlainLines}); any other configuration, a test's capture appender say, gets
     * empty and is logged to as usual.
     *
     * <p>Why: an event per line (the event object, the MDC map, the encoder's copies) was about a quarter of the
     * access log's CPU, 2.7 % of a waypoint's under h2c load (bench/RESULTS.md, session 16). Asked again for each
     * batch, so that a reconfiguration takes effect at the next one.
     */
    public static Optional<LineSink> plainLines(Logger logger) {
        if (!(logger instanceof ch.qos.logback.classic.Logger logback) || !logback.isInfoEnabled()
                || logback.isAdditive() || !logback.getLoggerContext().getTurboFilterList().isEmpty()) {
            return Optional.empty();
        }
        Iterator<Appender<ILoggingEvent>> appenders = logback.iteratorForAppenders();
        if (!appenders.hasNext() || !(appenders.next() instanceof BatchedLineAppender batched) || appenders.hasNext()
                || !batched.takesPlainLines()) {
            return Optional.empty();
        }
        return Optional.of(batched);
    }

    /**
     * Writes what {@code logger}'s batching appenders hold. Does nothing for other appenders (they write each line
     * as it comes) or for a logger that is not logback's.
     */
    public static void flush(Logger logger) {
        if (!(logger instanceof ch.qos.logback.classic.Logger logback)) {
            return;
        }
        for (Iterator<Appender<ILoggingEvent>> appenders = logback.iteratorForAppenders(); appenders.hasNext(); ) {
            if (appenders.next() instanceof BatchedLineAppender batched) {
                batched.flush();
            }
        }
    }
}
