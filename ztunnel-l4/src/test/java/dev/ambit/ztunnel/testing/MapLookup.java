package dev.ambit.ztunnel.testing;

import dev.ambit.ztunnel.outbound.OriginalDestinationLookup;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Stands in for the eBPF maps: every connection from a client address "meant" to reach one destination. */
public final class MapLookup implements OriginalDestinationLookup {

    private final Map<InetAddress, InetSocketAddress> destinations = new ConcurrentHashMap<>();

    private final Map<InetAddress, String> failures = new ConcurrentHashMap<>();

    public void put(InetAddress client, InetSocketAddress destination) {
        failures.remove(client);
        destinations.put(client, destination);
    }

    /** Lookups for {@code client} throw, as a map read refused during an agent handover would. */
    public void fail(InetAddress client, String error) {
        failures.put(client, error);
    }

    @Override
    public Optional<InetSocketAddress> originalDestination(InetSocketAddress client, InetSocketAddress listener) {
        String error = failures.get(client.getAddress());
        if (error != null) {
            throw new IllegalStateException(error);
        }
        return Optional.ofNullable(destinations.get(client.getAddress()));
    }
}
