package dev.ambit.ztunnel.outbound;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.traffic.LoadBalancerAlgorithm;
import dev.ambit.api.model.workload.Endpoint;
import dev.ambit.api.model.workload.MeshService;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Picks a service endpoint for a new connection by the service's load-balancing algorithm. At L4 a "request" is a
 * connection: LEAST_REQUEST takes the endpoint with fewer open connections of two random ones; EWMA, which needs
 * request latencies only a waypoint sees, does the same.
 *
 * <p>A dual-stack service lists each endpoint once per address family. A connection keeps the family it was opened
 * in, as kube-proxy's per-family rules do: one to the service's IPv6 address goes to an IPv6 endpoint address, and
 * falls back to the other family only when the service has no endpoint in its own.
 */
public final class EndpointPicker {

    private final ConcurrentMap<NamespacedName, AtomicInteger> cursors = new ConcurrentHashMap<>();
    private final ConcurrentMap<InetAddress, AtomicInteger> open = new ConcurrentHashMap<>();

    /** An endpoint for a connection to {@code destination} (an address of the service, whose family it keeps). */
    public Optional<Endpoint> pick(MeshService service, LoadBalancerAlgorithm algorithm, InetAddress destination) {
        List<Endpoint> endpoints = inFamilyOf(destination, service.endpoints());
        if (endpoints.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(switch (algorithm) {
            case ROUND_ROBIN -> endpoints.get(Math.floorMod(
                    cursors.computeIfAbsent(service.name(), name -> new AtomicInteger()).getAndIncrement(),
                    endpoints.size()));
            case RANDOM -> endpoints.get(ThreadLocalRandom.current().nextInt(endpoints.size()));
            case LEAST_REQUEST, EWMA -> fewerConnections(endpoints);
        });
    }

    private static List<Endpoint> inFamilyOf(InetAddress destination, List<Endpoint> endpoints) {
        boolean ipv6 = destination instanceof Inet6Address;
        List<Endpoint> sameFamily = endpoints.stream()
                .filter(endpoint -> endpoint.address() instanceof Inet6Address == ipv6)
                .toList();
        return sameFamily.isEmpty() ? endpoints : sameFamily;
    }

    /** Counts a connection to {@code endpoint} until the returned action runs. */
    public Runnable connectionOpened(InetAddress endpoint) {
        AtomicInteger count = open.computeIfAbsent(endpoint, address -> new AtomicInteger());
        count.incrementAndGet();
        return () -> {
            if (count.decrementAndGet() == 0) {
                open.remove(endpoint, count);
            }
        };
    }

    private Endpoint fewerConnections(List<Endpoint> endpoints) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Endpoint a = endpoints.get(random.nextInt(endpoints.size()));
        Endpoint b = endpoints.get(random.nextInt(endpoints.size()));
        return openConnections(a) <= openConnections(b) ? a : b;
    }

    private int openConnections(Endpoint endpoint) {
        AtomicInteger count = open.get(endpoint.address());
        return count == null ? 0 : count.get();
    }
}
