package dev.ambit.ztunnel.outbound;

import java.net.InetSocketAddress;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lookup whose failure (say, a map read refused while a new agent takes over the pins) counts as "not redirected":
 * the connection is refused with a log line naming the error, instead of leaving the accepted socket open with nobody
 * to answer it.
 */
public final class GuardedLookup implements OriginalDestinationLookup {

    private static final Logger log = LoggerFactory.getLogger(GuardedLookup.class);

    private final OriginalDestinationLookup lookup;

    public GuardedLookup(OriginalDestinationLookup lookup) {
        this.lookup = lookup;
    }

    @Override
    public Optional<InetSocketAddress> originalDestination(InetSocketAddress client, InetSocketAddress listener) {
        try {
            return lookup.originalDestination(client, listener);
        } catch (RuntimeException e) {
            log.warn("event=original_destination_lookup_failed client={} error=\"{}\"", client, e.toString());
            return Optional.empty();
        }
    }
}
