package dev.ambit.runtime.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import java.util.Iterator;
import org.slf4j.Logger;

/**
 * Where a logger's lines may wait in a {@link BatchedLineAppender}, the code that logs a batch of them says when the
 * batch ends. Through SLF4J's {@code Logger}, so that callers need no logback on their compile class path.
 */
public final class LineBatches {

    private LineBatches() {
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
