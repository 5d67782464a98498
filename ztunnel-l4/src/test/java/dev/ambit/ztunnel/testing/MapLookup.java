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

    public void put(InetAddress client, InetSocketAddress destination) {
        destinations.put(client, destination);
    }

    @Override
    public Optional<InetSocketAddress> originalDestination(InetSocketAddress client, InetSocketAddress listener) {
        return Optional.ofNullable(destinations.get(client.getAddress()));
    }
}
