package dev.ambit.ztunnel.dns;

import dev.ambit.api.mesh.MeshPorts;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How the tunnel's DNS proxy runs (docs/dns.md).
 *
 * @param listen          where it answers, UDP and TCP on the same port ({@value MeshPorts#DNS})
 * @param upstream        the resolver every name outside the mesh is forwarded to
 * @param clusterDomain   the suffix of service names, {@code <svc>.<ns>.svc.<clusterDomain>}
 * @param upstreamTimeout how long a forwarded query may take before the client gets SERVFAIL
 * @param maxInFlight     forwarded queries waiting for the upstream at once; past it, SERVFAIL at once
 * @param cacheEntries    upstream answers kept (least recently used goes first), each for its TTL
 * @param meshTtl         the TTL of the answers for the mesh's names
 * @param maxTcpClients   TCP connections open at once; past it, a new one is reset and counted
 */
public record DnsProxySettings(
        InetSocketAddress listen,
        InetSocketAddress upstream,
        String clusterDomain,
        Duration upstreamTimeout,
        int maxInFlight,
        int cacheEntries,
        Duration meshTtl,
        int maxTcpClients) {

    public static final String DEFAULT_CLUSTER_DOMAIN = "cluster.local";
    public static final Duration DEFAULT_UPSTREAM_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_IN_FLIGHT = 1024;
    public static final int DEFAULT_CACHE_ENTRIES = 4096;
    /** As short as a service's address may change: a new ClusterIP is seen by clients within this. */
    public static final Duration DEFAULT_MESH_TTL = Duration.ofSeconds(30);
    /** Pods fall back to TCP only for answers over 512 bytes, and close after one: a few hundred at once is a flood. */
    public static final int DEFAULT_MAX_TCP_CLIENTS = 256;
    public static final Path RESOLV_CONF = Path.of("/etc/resolv.conf");

    public DnsProxySettings {
        Objects.requireNonNull(listen, "listen");
        Objects.requireNonNull(upstream, "upstream");
        clusterDomain = normalizeDomain(clusterDomain);
        if (upstreamTimeout.isNegative() || upstreamTimeout.isZero()) {
            throw new IllegalArgumentException("the upstream timeout must be positive, not " + upstreamTimeout);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("at least one forwarded query must be allowed, not " + maxInFlight);
        }
        if (maxTcpClients < 1) {
            throw new IllegalArgumentException("at least one TCP client must be allowed, not " + maxTcpClients);
        }
        if (cacheEntries < 0) {
            throw new IllegalArgumentException("the cache size must be 0 (none) or more, not " + cacheEntries);
        }
    }

    /** The standard port on {@code address}, forwarding to {@code upstream}, every other setting its default. */
    public static DnsProxySettings defaults(InetAddress address, InetSocketAddress upstream) {
        return new DnsProxySettings(new InetSocketAddress(address, MeshPorts.DNS), upstream, DEFAULT_CLUSTER_DOMAIN,
                DEFAULT_UPSTREAM_TIMEOUT, DEFAULT_MAX_IN_FLIGHT, DEFAULT_CACHE_ENTRIES, DEFAULT_MESH_TTL,
                DEFAULT_MAX_TCP_CLIENTS);
    }

    public DnsProxySettings withListen(InetSocketAddress address) {
        return new DnsProxySettings(address, upstream, clusterDomain, upstreamTimeout, maxInFlight, cacheEntries,
                meshTtl, maxTcpClients);
    }

    public DnsProxySettings withUpstreamTimeout(Duration timeout) {
        return new DnsProxySettings(listen, upstream, clusterDomain, timeout, maxInFlight, cacheEntries,
                meshTtl, maxTcpClients);
    }

    public DnsProxySettings withMaxInFlight(int queries) {
        return new DnsProxySettings(listen, upstream, clusterDomain, upstreamTimeout, queries, cacheEntries,
                meshTtl, maxTcpClients);
    }

    public DnsProxySettings withClusterDomain(String domain) {
        return new DnsProxySettings(listen, upstream, domain, upstreamTimeout, maxInFlight, cacheEntries,
                meshTtl, maxTcpClients);
    }

    public DnsProxySettings withMaxTcpClients(int clients) {
        return new DnsProxySettings(listen, upstream, clusterDomain, upstreamTimeout, maxInFlight, cacheEntries,
                meshTtl, clients);
    }

    private static String normalizeDomain(String domain) {
        String lower = Objects.requireNonNull(domain, "clusterDomain").toLowerCase(Locale.ROOT);
        String bare = lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
        if (bare.isEmpty() || bare.startsWith(".")) {
            throw new IllegalArgumentException("'" + domain + "' is no cluster domain (e.g. cluster.local)");
        }
        return bare;
    }
}
