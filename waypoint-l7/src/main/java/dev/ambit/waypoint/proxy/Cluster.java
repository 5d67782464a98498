package dev.ambit.waypoint.proxy;

import dev.ambit.api.model.traffic.LoadBalancerAlgorithm;
import dev.ambit.api.model.traffic.Mirror;
import dev.ambit.api.model.traffic.RetryPolicy;
import dev.ambit.api.model.traffic.TrafficPolicy;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.waypoint.lb.LoadBalancer;
import dev.ambit.waypoint.lb.LoadBalancers;
import dev.ambit.waypoint.resilience.CircuitBreakerLimits;
import dev.ambit.waypoint.resilience.FaultInjector;
import dev.ambit.waypoint.resilience.OutlierDetector;
import dev.ambit.waypoint.resilience.OutlierState;
import dev.ambit.waypoint.resilience.SlidingRetryBudget;
import dev.ambit.waypoint.resilience.RetryConditions;
import dev.ambit.waypoint.route.ServiceKey;
import dev.ambit.waypoint.upstream.UpstreamHost;
import dev.ambit.waypoint.upstream.UpstreamProtocol;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * One service port as a destination: its endpoints and how to call them under its {@link TrafficPolicy}. Stateful
 * parts (endpoint load and outlier standing, circuit-breaker counters, retry budget) carry over from the previous
 * config's cluster while the policy is unchanged.
 */
public final class Cluster {

    private final ServiceKey key;
    private final MeshService service;
    private final Optional<TrafficPolicy> policy;
    private final List<UpstreamHost> hosts;
    /** The hosts by address family: a dual-stack service lists each endpoint once per family. */
    private final List<UpstreamHost> ipv4Hosts;
    private final List<UpstreamHost> ipv6Hosts;
    private final LoadBalancer balancer;
    private final CircuitBreakerLimits breaker;
    private final OutlierDetector outlierDetector;
    private final SlidingRetryBudget budget;
    private final RetryConditions retryConditions;
    private final FaultInjector faults;
    private final Optional<UpstreamProtocol> protocol;
    private final String authority;

    Cluster(ServiceKey key, MeshService service, Optional<TrafficPolicy> policy, List<UpstreamHost> hosts,
            Optional<UpstreamProtocol> protocol, RandomGenerator random, Cluster previous) {
        this.key = key;
        this.service = service;
        this.policy = policy;
        this.hosts = List.copyOf(hosts);
        this.ipv4Hosts = this.hosts.stream().filter(host -> !isIpv6(host)).toList();
        this.ipv6Hosts = this.hosts.stream().filter(Cluster::isIpv6).toList();
        this.protocol = protocol;
        this.authority = service.hostname() + ":" + key.port();
        boolean samePolicy = previous != null && previous.policy.equals(policy);
        this.balancer = samePolicy ? previous.balancer
                : LoadBalancers.of(policy.map(TrafficPolicy::loadBalancer).orElse(LoadBalancerAlgorithm.ROUND_ROBIN), random);
        this.breaker = samePolicy ? previous.breaker : policy.flatMap(TrafficPolicy::circuitBreaker)
                .map(CircuitBreakerLimits::new).orElseGet(CircuitBreakerLimits::unlimited);
        this.budget = samePolicy ? previous.budget : policy.flatMap(TrafficPolicy::retries)
                .flatMap(RetryPolicy::budget).map(b -> SlidingRetryBudget.of(b, System::nanoTime))
                .orElseGet(SlidingRetryBudget::unlimited);
        this.outlierDetector = policy.flatMap(TrafficPolicy::outlierDetection)
                .map(config -> new OutlierDetector(config, outlierStates(this.hosts), System::nanoTime))
                .orElse(null);
        this.retryConditions = policy.flatMap(TrafficPolicy::retries).map(RetryConditions::new).orElse(null);
        this.faults = policy.flatMap(TrafficPolicy::fault).map(fault -> new FaultInjector(fault, random)).orElse(null);
    }

    /** An endpoint for the next attempt, skipping ejected ones unless all are ejected (then any: panic mode). */
    public Optional<UpstreamHost> pick(long nowNanos) {
        return pick(nowNanos, hosts);
    }

    /**
     * As {@link #pick(long)}, among the endpoints in the address family of {@code destination} (where the request's
     * connection was addressed) when the cluster has any there: a request to a service's IPv6 address goes on over
     * IPv6, as the node tunnels keep a connection's family.
     */
    public Optional<UpstreamHost> pick(long nowNanos, Optional<InetSocketAddress> destination) {
        if (destination.isEmpty()) {
            return pick(nowNanos, hosts);
        }
        List<UpstreamHost> sameFamily = destination.get().getAddress() instanceof Inet6Address ? ipv6Hosts : ipv4Hosts;
        return pick(nowNanos, sameFamily.isEmpty() ? hosts : sameFamily);
    }

    private Optional<UpstreamHost> pick(long nowNanos, List<UpstreamHost> from) {
        if (from.isEmpty()) {
            return Optional.empty();
        }
        List<UpstreamHost> candidates = new ArrayList<>(from.size());
        for (UpstreamHost host : from) {
            if (!host.outlier().isEjected(nowNanos)) {
                candidates.add(host);
            }
        }
        return Optional.of(balancer.pick(candidates.isEmpty() ? from : candidates));
    }

    private static boolean isIpv6(UpstreamHost host) {
        return host.target().address().getAddress() instanceof Inet6Address;
    }

    public void success(UpstreamHost host) {
        if (outlierDetector != null) {
            outlierDetector.success(host.outlier());
        }
    }

    public void serverError(UpstreamHost host) {
        if (outlierDetector != null) {
            outlierDetector.serverError(host.outlier(), key + "/" + host);
        }
    }

    public ServiceKey key() {
        return key;
    }

    public MeshService service() {
        return service;
    }

    /** {@code hostname:port}, as the access log names the upstream service. */
    public String authority() {
        return authority;
    }

    List<UpstreamHost> hosts() {
        return hosts;
    }

    public CircuitBreakerLimits breaker() {
        return breaker;
    }

    public SlidingRetryBudget budget() {
        return budget;
    }

    public Optional<RetryPolicy> retryPolicy() {
        return policy.flatMap(TrafficPolicy::retries);
    }

    /** Null without a retry policy. */
    public RetryConditions retryConditions() {
        return retryConditions;
    }

    public Optional<Duration> timeout() {
        return policy.flatMap(TrafficPolicy::timeout);
    }

    /** Null without fault injection. */
    public FaultInjector faults() {
        return faults;
    }

    public Optional<Mirror> mirror() {
        return policy.flatMap(TrafficPolicy::mirror);
    }

    /** Empty: speak the client's protocol. */
    public Optional<UpstreamProtocol> protocol() {
        return protocol;
    }

    private static List<OutlierState> outlierStates(List<UpstreamHost> hosts) {
        return hosts.stream().map(UpstreamHost::outlier).toList();
    }
}
