package dev.ambit.ztunnel.config;

import dev.ambit.api.model.ConfigResource;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.policy.AuthorizationPolicy;
import dev.ambit.api.model.policy.PeerAuthentication;
import dev.ambit.api.model.policy.WorkloadPolicy;
import dev.ambit.api.model.traffic.LoadBalancerAlgorithm;
import dev.ambit.api.model.traffic.TrafficPolicy;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.Workload;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The view of the mesh config the tunnel needs, indexed for the data path: workloads by address and uid, services by
 * VIP and host name, policies by namespace. Immutable; a new config is a new snapshot swapped in whole
 * ({@link TunnelConfigStore}).
 */
public final class TunnelConfig {

    public static final TunnelConfig EMPTY = builder().build();

    private final String rootNamespace;
    private final List<ConfigResource> resources;
    private final Map<InetAddress, Workload> workloadsByAddress;
    private final Map<String, Workload> workloadsByUid;
    private final Map<InetAddress, MeshService> servicesByVip;
    private final Map<String, MeshService> servicesByHostname;
    private final Map<String, List<AuthorizationPolicy>> authorizationByNamespace;
    private final Map<String, List<PeerAuthentication>> peerAuthenticationByNamespace;
    private final Map<NamespacedName, List<TrafficPolicy>> trafficByService;

    private TunnelConfig(Builder builder) {
        this.rootNamespace = builder.rootNamespace;
        this.resources = Stream.of(builder.workloads, builder.services, builder.authorizationPolicies,
                builder.peerAuthentications, builder.trafficPolicies).<ConfigResource>flatMap(List::stream).toList();
        Map<InetAddress, Workload> byAddress = new HashMap<>();
        builder.workloads.forEach(workload -> workload.addresses()
                .forEach(address -> byAddress.put(address, workload)));
        this.workloadsByAddress = Map.copyOf(byAddress);
        this.workloadsByUid = builder.workloads.stream().collect(Collectors.toUnmodifiableMap(Workload::uid,
                Function.identity(), (a, b) -> b));
        Map<InetAddress, MeshService> byVip = new HashMap<>();
        builder.services.forEach(service -> service.vips().forEach(vip -> byVip.put(vip, service)));
        this.servicesByVip = Map.copyOf(byVip);
        this.servicesByHostname = builder.services.stream().collect(Collectors.toUnmodifiableMap(
                MeshService::hostname, Function.identity(), (a, b) -> b));
        this.authorizationByNamespace = builder.authorizationPolicies.stream().collect(Collectors.groupingBy(
                policy -> policy.name().namespace(), Collectors.toUnmodifiableList()));
        this.peerAuthenticationByNamespace = builder.peerAuthentications.stream().collect(Collectors.groupingBy(
                policy -> policy.name().namespace(), Collectors.toUnmodifiableList()));
        this.trafficByService = builder.trafficPolicies.stream().collect(Collectors.groupingBy(
                policy -> policy.targetRef().service(), Collectors.toUnmodifiableList()));
    }

    public static Builder builder() {
        return new Builder();
    }

    public Optional<Workload> workload(InetAddress address) {
        return Optional.ofNullable(workloadsByAddress.get(address));
    }

    public Optional<Workload> workloadByUid(String uid) {
        return Optional.ofNullable(workloadsByUid.get(uid));
    }

    public Optional<MeshService> service(InetAddress vip) {
        return Optional.ofNullable(servicesByVip.get(vip));
    }

    public Optional<MeshService> serviceByHostname(String hostname) {
        return Optional.ofNullable(servicesByHostname.get(hostname));
    }

    public String rootNamespace() {
        return rootNamespace;
    }

    /** Every resource this config was built from, as received: what the admin config dump shows. */
    public List<ConfigResource> resources() {
        return resources;
    }

    public Collection<Workload> workloads() {
        return workloadsByUid.values();
    }

    /** The authorization policies that apply to {@code workload}: its namespace's and the root namespace's. */
    public List<AuthorizationPolicy> authorizationPolicies(Workload workload) {
        return inScope(authorizationByNamespace, workload).stream()
                .filter(policy -> policy.appliesTo(workload, rootNamespace))
                .toList();
    }

    /**
     * Whether {@code workload} takes plaintext on {@code port}: the most specific policy that says so wins (a
     * selector in its namespace, then its namespace, then the root namespace); PERMISSIVE when none does.
     */
    public PeerAuthentication.Mode peerAuthentication(Workload workload, int port) {
        List<PeerAuthentication> own =
                peerAuthenticationByNamespace.getOrDefault(workload.name().namespace(), List.of());
        List<PeerAuthentication> root = workload.name().namespace().equals(rootNamespace) ? List.of()
                : peerAuthenticationByNamespace.getOrDefault(rootNamespace, List.of());
        for (List<PeerAuthentication> level : List.of(
                own.stream().filter(p -> !p.selector().isEmpty()).toList(),
                own.stream().filter(p -> p.selector().isEmpty()).toList(),
                root)) {
            for (PeerAuthentication policy : level) {
                PeerAuthentication.Mode mode = policy.modeFor(port);
                if (mode != PeerAuthentication.Mode.UNSET && policy.appliesTo(workload, rootNamespace)) {
                    return mode;
                }
            }
        }
        return PeerAuthentication.Mode.PERMISSIVE;
    }

    /** How {@code service}'s {@code port} is balanced: its port's policy, else the service's, else round robin. */
    public LoadBalancerAlgorithm loadBalancer(MeshService service, int port) {
        List<TrafficPolicy> policies = trafficByService.getOrDefault(service.name(), List.of());
        return policies.stream()
                .filter(policy -> policy.targetRef().port().isPresent() && policy.targetRef().port().getAsInt() == port)
                .findFirst()
                .or(() -> policies.stream().filter(policy -> policy.targetRef().port().isEmpty()).findFirst())
                .map(TrafficPolicy::loadBalancer)
                .orElse(LoadBalancerAlgorithm.ROUND_ROBIN);
    }

    private <T> List<T> inScope(Map<String, List<T>> byNamespace, Workload workload) {
        List<T> own = byNamespace.getOrDefault(workload.name().namespace(), List.of());
        if (workload.name().namespace().equals(rootNamespace)) {
            return own;
        }
        List<T> root = byNamespace.getOrDefault(rootNamespace, List.of());
        return root.isEmpty() ? own : Stream.concat(root.stream(), own.stream()).toList();
    }

    public static final class Builder {
        private String rootNamespace = WorkloadPolicy.DEFAULT_ROOT_NAMESPACE;
        private final List<Workload> workloads = new ArrayList<>();
        private final List<MeshService> services = new ArrayList<>();
        private final List<AuthorizationPolicy> authorizationPolicies = new ArrayList<>();
        private final List<PeerAuthentication> peerAuthentications = new ArrayList<>();
        private final List<TrafficPolicy> trafficPolicies = new ArrayList<>();

        private Builder() {
        }

        public Builder rootNamespace(String namespace) {
            this.rootNamespace = namespace;
            return this;
        }

        public Builder workloads(Collection<Workload> more) {
            workloads.addAll(more);
            return this;
        }

        public Builder services(Collection<MeshService> more) {
            services.addAll(more);
            return this;
        }

        public Builder authorizationPolicies(Collection<AuthorizationPolicy> more) {
            authorizationPolicies.addAll(more);
            return this;
        }

        public Builder peerAuthentications(Collection<PeerAuthentication> more) {
            peerAuthentications.addAll(more);
            return this;
        }

        public Builder trafficPolicies(Collection<TrafficPolicy> more) {
            trafficPolicies.addAll(more);
            return this;
        }

        public TunnelConfig build() {
            return new TunnelConfig(this);
        }
    }
}
