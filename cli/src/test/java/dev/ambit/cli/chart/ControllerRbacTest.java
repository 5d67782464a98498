package dev.ambit.cli.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The controller may do what its code does and nothing more. Each entry names the code in control/src/main/java
 * that needs it; a new API call there must be added here and to templates/controller/rbac.yaml together.
 */
class ControllerRbacTest {

    private static final Map<String, Set<String>> CLUSTER_WIDE = Map.ofEntries(
            // KubeSource's informers (SupportedKinds); RootCertPublisher's namespace informer.
            Map.entry("namespaces", Set.of("list", "watch")),
            Map.entry("nodes", Set.of("list", "watch")),
            Map.entry("pods", Set.of("list", "watch")),
            Map.entry("endpointslices.discovery.k8s.io", Set.of("list", "watch")),
            Map.entry("httproutes.gateway.networking.k8s.io", Set.of("list", "watch")),
            Map.entry("authorizationpolicies.security.ambit.dev", Set.of("list", "watch")),
            Map.entry("peerauthentications.security.ambit.dev", Set.of("list", "watch")),
            Map.entry("requestauthentications.security.ambit.dev", Set.of("list", "watch")),
            Map.entry("trafficpolicies.traffic.ambit.dev", Set.of("list", "watch")),
            // Informers of KubeSource and WaypointDeployer; WaypointStatus reads the Gateway, then patches its status.
            Map.entry("gateways.gateway.networking.k8s.io", Set.of("get", "list", "watch")),
            Map.entry("gateways/status.gateway.networking.k8s.io", Set.of("patch")),
            // AmbitGatewayClass (ambit-waypoint and ambit-ingress)
            Map.entry("gatewayclasses.gateway.networking.k8s.io", Set.of("get", "create")),
            Map.entry("gatewayclasses/status.gateway.networking.k8s.io", Set.of("patch")),
            // WaypointDeployer: get, create or merge-patch; remove() deletes by label (fabric8: a collection delete); it
            // watches its own Services (an ingress load balancer's address) and never reads Secrets.
            Map.entry("services", Set.of("list", "watch", "get", "create", "patch", "deletecollection")),
            Map.entry("serviceaccounts", Set.of("get", "create", "patch", "deletecollection")),
            Map.entry("deployments.apps", Set.of("get", "create", "patch", "deletecollection")),
            // RootCertPublisher: informer on the copies, createOr(merge patch).
            Map.entry("configmaps", Set.of("list", "watch", "create", "patch")),
            // KubeConfigErrors.
            Map.entry("events", Set.of("create")),
            // TokenReviewAuthenticator.
            Map.entry("tokenreviews.authentication.k8s.io", Set.of("create")));

    @Test
    void clusterRoleGrantsExactlyWhatTheControllerCalls() {
        ClusterRole role = RenderedChart.render().one(ClusterRole.class, "ambit-controller");
        assertEquals(new TreeMap<>(CLUSTER_WIDE), verbsByResource(role.getRules()));
    }

    @Test
    void leaseRightsAreLimitedToTheReleaseNamespaceAndTheLease() {
        Role role = RenderedChart.render("controller.leaseName", "mesh-leader").one(Role.class, "ambit-controller");
        assertEquals(RenderedChart.NAMESPACE, role.getMetadata().getNamespace());
        // LeaderElection's fabric8 LeaseLock: create once, then get and replace (update) its own Lease.
        assertEquals(List.of("create"), role.getRules().get(0).getVerbs());
        assertEquals(List.of(), role.getRules().get(0).getResourceNames());
        assertEquals(List.of("mesh-leader"), role.getRules().get(1).getResourceNames());
        assertEquals(List.of("get", "update"), role.getRules().get(1).getVerbs());
        assertEquals(List.of("leases"), role.getRules().get(1).getResources());
    }

    /** {@code resource.group} (core resources without a group) → verbs; no rule may use wildcards. */
    private static Map<String, Set<String>> verbsByResource(List<PolicyRule> rules) {
        Map<String, Set<String>> verbs = new TreeMap<>();
        for (PolicyRule rule : rules) {
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    if (resource.contains("*") || group.contains("*") || rule.getVerbs().contains("*")) {
                        throw new AssertionError("wildcard in " + rule);
                    }
                    String key = group.isEmpty() ? resource : resource + "." + group;
                    verbs.computeIfAbsent(key, k -> new TreeSet<>()).addAll(rule.getVerbs());
                }
            }
        }
        verbs.replaceAll((key, value) -> Set.copyOf(value));
        return verbs;
    }
}
