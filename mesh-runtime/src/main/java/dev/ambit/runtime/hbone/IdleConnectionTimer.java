package dev.ambit.runtime.hbone;

import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes an HTTP/2 connection that has carried no stream for the idle timeout. Counts streams itself rather than
 * watching bytes: a quiet tunnelled connection is still in use.
 */
final class IdleConnectionTimer {

    private final Channel connection;
    private final Duration timeout;
    private int streams;
    private ScheduledFuture<?> pending;

    IdleConnectionTimer(Channel connection, Duration timeout) {
        this.connection = connection;
        this.timeout = timeout;
    }

    /** Starts the first idle period; on the connection's event loop. */
    void start() {
        arm();
    }

    void streamOpened() {
        assert connection.eventLoop().inEventLoop();
        streams++;
        if (pending != null) {
            pending.cancel(false);
            pending = null;
        }
    }

    void streamClosed() {
        assert connection.eventLoop().inEventLoop();
        if (--streams == 0) {
            arm();
        }
    }

    private void arm() {
        pending = connection.eventLoop().schedule(() -> {
            if (streams == 0) {
                connection.close();
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
