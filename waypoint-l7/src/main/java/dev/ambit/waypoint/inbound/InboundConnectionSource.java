package dev.ambit.waypoint.inbound;

import dev.ambit.runtime.transport.ConnectionFailures;
import java.util.function.Consumer;

/** Where client connections come from: a plain listener, or the HBONE server. */
public interface InboundConnectionSource extends AutoCloseable {

    /**
     * Starts handing each new connection to {@code sink}, on the connection's event loop; connections refused before
     * that (listener full, a handshake that failed or never finished) are counted in {@code failures}.
     */
    void start(Consumer<InboundConnection> sink, ConnectionFailures failures);

    /** Stops taking connections; open ones are left to finish. */
    @Override
    void close();
}
