package dev.ambit.waypoint.inbound;

import java.util.function.Consumer;

/** Where client connections come from: a plain listener, or the HBONE server. */
public interface InboundConnectionSource extends AutoCloseable {

    /** Starts handing each new connection to {@code sink}, on the connection's event loop. */
    void start(Consumer<InboundConnection> sink);

    /** Stops taking connections; open ones are left to finish. */
    @Override
    void close();
}
