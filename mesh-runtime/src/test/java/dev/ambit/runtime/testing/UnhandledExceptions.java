package dev.ambit.runtime.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.channel.DefaultChannelPipeline;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Collects the exceptions that reached the end of a Netty pipeline with no handler taking care of them: Netty only
 * logs those ("An exceptionCaught() event was fired, and it reached at the tail of the pipeline"), so a test that
 * wants none has to listen to that logger. An {@code EmbeddedChannel} rethrows its own channel's, but not those of
 * child channels such as HTTP/2 streams.
 */
public final class UnhandledExceptions {

    private static final List<String> SEEN = new CopyOnWriteArrayList<>();

    static {
        Logger logger = (Logger) LoggerFactory.getLogger(DefaultChannelPipeline.class);
        AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                if (event.getFormattedMessage().contains("reached at the tail of the pipeline")) {
                    SEEN.add(event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                            : ": " + event.getThrowableProxy().getClassName() + ": "
                            + event.getThrowableProxy().getMessage()));
                }
            }
        };
        appender.setContext(logger.getLoggerContext());
        appender.start();
        logger.addAppender(appender);
    }

    private UnhandledExceptions() {
    }

    /** Those seen since the last call, which forgets them. */
    public static List<String> drain() {
        List<String> seen = List.copyOf(SEEN);
        SEEN.clear();
        return seen;
    }
}
