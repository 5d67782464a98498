package dev.ambit.ztunnel.outbound;

import dev.ambit.api.model.IpLiteral;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.traffic.LoadBalancerAlgorithm;
import dev.ambit.api.model.workload.Endpoint;
import dev.ambit.api.model.workload.MeshService;
import java.net.InetAddress;
import java.util.ArrayList;
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

    /**
     * The endpoints in {@code destination}'s family. Runs per new connection, so a single-stack service (every
     * endpoint already in the family, or none is) gets its own list back, with nothing copied.
     */
    private static List<Endpoint> inFamilyOf(InetAddress destination, List<Endpoint> endpoints) {
        int sameFamily = 0;
        for (Endpoint endpoint : endpoints) {
            sameFamily += IpLiteral.sameFamily(endpoint.address(), destination) ? 1 : 0;
        }
        if (sameFamily == 0 || sameFamily == endpoints.size()) {
            return endpoints;
        }
        List<Endpoint> inFamily = new ArrayList<>(sameFamily);
        for (Endpoint endpoint : endpoints) {
            if (IpLiteral.sameFamily(endpoint.address(), destination)) {
                inFamily.add(endpoint);
            }
        }
        return inFamily;
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
