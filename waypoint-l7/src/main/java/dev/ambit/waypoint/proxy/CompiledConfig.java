package dev.ambit.waypoint.proxy;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.policy.WorkloadPolicy;
import dev.ambit.api.model.traffic.TrafficPolicy;
import dev.ambit.api.model.workload.Endpoint;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.ServicePort;
import dev.ambit.waypoint.WaypointConfig;
import dev.ambit.waypoint.authz.AuthorizationEngine;
import dev.ambit.waypoint.jwt.JwksCache;
import dev.ambit.waypoint.jwt.JwtAuthenticator;
import dev.ambit.waypoint.route.RouteTable;
import dev.ambit.waypoint.route.ServiceKey;
import dev.ambit.waypoint.upstream.UpstreamHost;
import dev.ambit.waypoint.upstream.UpstreamProtocol;
import dev.ambit.waypoint.upstream.UpstreamTarget;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A {@link WaypointConfig} turned into lookup structures: the route table, a {@link Cluster} per service port, and
 * each service's authorization engine and JWT authenticator. Built off the event loops, then published at once.
 */
public final class CompiledConfig {

    private final ServiceDirectory directory;
    private final RouteTable routes;
    private final Map<ServiceKey, Cluster> clusters;
    private final Map<NamespacedName, AuthorizationEngine> authorization;
    private final Map<NamespacedName, JwtAuthenticator> authentication;

    private CompiledConfig(ServiceDirectory directory, RouteTable routes, Map<ServiceKey, Cluster> clusters,
            Map<NamespacedName, AuthorizationEngine> authorization,
            Map<NamespacedName, JwtAuthenticator> authentication) {
        this.directory = directory;
        this.routes = routes;
        this.clusters = clusters;
        this.authorization = authorization;
        this.authentication = authentication;
    }

    public static CompiledConfig empty() {
        return new CompiledConfig(new ServiceDirectory(List.of(), List.of()), RouteTable.build(List.of()), Map.of(),
                Map.of(), Map.of());
    }

    public static CompiledConfig compile(WaypointConfig config, CompiledConfig previous, JwksCache keys,
            RandomGenerator random, Clock clock) {
        ServiceDirectory directory = new ServiceDirectory(config.services(), config.workloads());
        Map<ServiceKey, Cluster> clusters = new HashMap<>();
        Map<NamespacedName, AuthorizationEngine> authorization = new HashMap<>();
        Map<NamespacedName, JwtAuthenticator> authentication = new HashMap<>();
        for (MeshService service : config.services()) {
            for (ServicePort port : service.ports()) {
                ServiceKey key = new ServiceKey(service.name(), port.port());
                Cluster old = previous.clusters.get(key);
                clusters.put(key, new Cluster(key, service, policyFor(config.trafficPolicies(), key),
                        hosts(service, port, directory, old), UpstreamProtocol.fromAppProtocol(port.appProtocol()),
                        random, old));
            }
            authorization.put(service.name(), AuthorizationEngine.of(config.authorizationPolicies().stream()
                    .filter(policy -> appliesTo(policy, service, config.rootNamespace())).toList()));
            authentication.put(service.name(), JwtAuthenticator.of(config.requestAuthentications().stream()
                    .filter(policy -> appliesTo(policy, service, config.rootNamespace())).toList(), keys, clock));
        }
        return new CompiledConfig(directory, RouteTable.build(config.routes()), Map.copyOf(clusters),
                Map.copyOf(authorization), Map.copyOf(authentication));
    }

    public ServiceDirectory directory() {
        return directory;
    }

    public RouteTable routes() {
        return routes;
    }

    public Optional<Cluster> cluster(ServiceKey key) {
        return Optional.ofNullable(clusters.get(key));
    }

    public AuthorizationEngine authorization(NamespacedName service) {
        return authorization.getOrDefault(service, AuthorizationEngine.ALLOW_ALL);
    }

    public JwtAuthenticator authentication(NamespacedName service) {
        return authentication.getOrDefault(service, JwtAuthenticator.NONE);
    }

    /**
     * At a waypoint a policy applies to a service when it is in the service's namespace (or the root namespace) and
     * its selector is among the service's labels.
     */
    private static boolean appliesTo(WorkloadPolicy policy, MeshService service, String rootNamespace) {
        String namespace = policy.name().namespace();
        return (namespace.equals(rootNamespace) || namespace.equals(service.name().namespace()))
                && service.labels().entrySet().containsAll(policy.selector().entrySet());
    }

    /** A policy for the exact port wins over one for the whole service. */
    private static Optional<TrafficPolicy> policyFor(List<TrafficPolicy> policies, ServiceKey key) {
        Optional<TrafficPolicy> servicePolicy = Optional.empty();
        for (TrafficPolicy policy : policies) {
            if (!policy.targetRef().service().equals(key.service())) {
                continue;
            }
            if (policy.targetRef().port().isEmpty()) {
                servicePolicy = servicePolicy.or(() -> Optional.of(policy));
            } else if (policy.targetRef().port().getAsInt() == key.port()) {
                return Optional.of(policy);
            }
        }
        return servicePolicy;
    }

    private static List<UpstreamHost> hosts(MeshService service, ServicePort port, ServiceDirectory directory,
            Cluster previous) {
        Map<InetSocketAddress, UpstreamHost> known = new HashMap<>();
        if (previous != null) {
            previous.hosts().forEach(host -> known.put(host.target().address(), host));
        }
        List<UpstreamHost> hosts = new ArrayList<>();
        for (Endpoint endpoint : service.endpoints()) {
            int targetPort = endpoint.ports().getOrDefault(port.port(), port.targetPort());
            InetSocketAddress address = new InetSocketAddress(endpoint.address(), targetPort);
            UpstreamHost host = known.get(address);
            hosts.add(host != null ? host
                    : new UpstreamHost(new UpstreamTarget(address, directory.workload(endpoint.workloadUid()))));
        }
        return hosts;
    }
}
