package dev.ambit.bench.micro;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.policy.AuthorizationPolicy;
import dev.ambit.api.model.policy.AuthorizationRule;
import dev.ambit.api.model.policy.Condition;
import dev.ambit.api.model.policy.Operation;
import dev.ambit.api.model.policy.Source;
import dev.ambit.api.model.workload.DataplaneMode;
import dev.ambit.api.model.workload.Endpoint;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.ServicePort;
import dev.ambit.api.model.workload.Workload;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A mid-sized mesh for the micro-benchmarks: {@value #NODES} nodes, {@value #SERVICES} services with
 * {@value #ENDPOINTS_PER_SERVICE} endpoints each (one workload per endpoint), and a realistic stack of authorization
 * policies. Sized so that lookups miss caches the way a busy node's would, not to fit one cache line.
 */
public final class SyntheticMesh {

    public static final String NAMESPACE = "shop";
    public static final int NODES = 20;
    public static final int SERVICES = 100;
    public static final int ENDPOINTS_PER_SERVICE = 5;
    public static final int SERVICE_PORT = 80;
    public static final int TARGET_PORT = 8080;

    private SyntheticMesh() {
    }

    public static SpiffeId identity(int service) {
        return SpiffeId.of("cluster.local", NAMESPACE, "svc-" + service);
    }

    public static NamespacedName serviceName(int service) {
        return NamespacedName.of(NAMESPACE, "svc-" + service);
    }

    /** Service VIPs are in 10.96/16; endpoint {@code e} of service {@code s} is 10.244.s.(e+1). */
    public static InetAddress serviceVip(int service) {
        return address(10, 96, service / 250, service % 250 + 1);
    }

    public static InetAddress endpointAddress(int service, int endpoint) {
        return address(10, 244, service, endpoint + 1);
    }

    public static InetSocketAddress tunnelOf(int node) {
        return new InetSocketAddress(address(172, 18, 0, node + 1), MeshPorts.HBONE);
    }

    public static List<Workload> workloads() {
        List<Workload> workloads = new ArrayList<>();
        for (int s = 0; s < SERVICES; s++) {
            for (int e = 0; e < ENDPOINTS_PER_SERVICE; e++) {
                int node = (s * ENDPOINTS_PER_SERVICE + e) % NODES;
                workloads.add(new Workload(uid(s, e), NamespacedName.of(NAMESPACE, "svc-" + s + "-" + e), identity(s),
                        "node-" + node, List.of(endpointAddress(s, e)), DataplaneMode.AMBIENT,
                        Optional.of(tunnelOf(node)), Optional.empty(), Map.of("app", "svc-" + s), "svc-" + s, "v1",
                        List.of(serviceName(s))));
            }
        }
        return workloads;
    }

    public static List<MeshService> services() {
        List<MeshService> services = new ArrayList<>();
        for (int s = 0; s < SERVICES; s++) {
            List<Endpoint> endpoints = new ArrayList<>();
            for (int e = 0; e < ENDPOINTS_PER_SERVICE; e++) {
                endpoints.add(new Endpoint(uid(s, e), endpointAddress(s, e), Map.of(SERVICE_PORT, TARGET_PORT)));
            }
            services.add(new MeshService(serviceName(s), "svc-" + s + "." + NAMESPACE + ".svc.cluster.local",
                    List.of(serviceVip(s)), List.of(new ServicePort("http", SERVICE_PORT, TARGET_PORT,
                            Optional.of("http"))), endpoints, Optional.empty(), Map.of("app", "svc-" + s)));
        }
        return services;
    }

    /**
     * Eight policies on one workload, as a namespace accumulates them: DENYs that do not match the benchmark's
     * caller (so every one is evaluated), then ALLOWs where only the last one matches.
     */
    public static List<AuthorizationPolicy> policies() {
        List<AuthorizationPolicy> policies = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            policies.add(new AuthorizationPolicy(NamespacedName.of(NAMESPACE, "deny-" + i), Map.of("app", "svc-0"),
                    AuthorizationPolicy.Action.DENY, List.of(new AuthorizationRule(
                            List.of(source(List.of(identity(900 + i)), List.of("quarantine-" + i))),
                            List.of(operation(List.of(), List.of("/admin/*"))), List.of()))));
        }
        for (int i = 0; i < 5; i++) {
            boolean last = i == 4;
            policies.add(new AuthorizationPolicy(NamespacedName.of(NAMESPACE, "allow-" + i), Map.of("app", "svc-0"),
                    AuthorizationPolicy.Action.ALLOW, List.of(new AuthorizationRule(
                            List.of(source(List.of(identity(last ? 1 : 500 + i), identity(600 + i)), List.of())),
                            List.of(operation(List.of("GET", "POST"), List.of("/api/v" + i + "/*", "/healthz"))),
                            List.of(new Condition("request.headers[x-tenant]", List.of("acme", "globex"),
                                    List.of()))))));
        }
        return policies;
    }

    private static Source source(List<SpiffeId> principals, List<String> notNamespaces) {
        return new Source(principals, List.of(), List.of(), notNamespaces);
    }

    private static Operation operation(List<String> methods, List<String> paths) {
        return new Operation(List.of(TARGET_PORT), List.of(), methods, paths, List.of(), List.of());
    }

    private static String uid(int service, int endpoint) {
        return "uid-" + service + "-" + endpoint;
    }

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
