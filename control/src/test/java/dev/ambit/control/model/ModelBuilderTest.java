package dev.ambit.control.model;

import dev.ambit.api.model.route.GatewayParentRef;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.policy.AuthorizationPolicy;
import dev.ambit.api.model.route.HttpRoute;
import dev.ambit.api.model.traffic.TrafficPolicy;
import dev.ambit.api.model.workload.DataplaneMode;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.WaypointAddress;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.control.TestObjects;
import dev.ambit.control.crd.AuthorizationPolicyResource;
import dev.ambit.control.crd.PeerAuthenticationResource;
import dev.ambit.control.crd.RequestAuthenticationResource;
import dev.ambit.control.crd.TrafficPolicyResource;
import dev.ambit.control.model.convert.K8sYaml;
import dev.ambit.api.mesh.MeshLabels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The incremental model: which resources a change rebuilds, what a snapshot holds, and how errors are kept. */
class ModelBuilderTest {

    private static final MeshSettings SETTINGS = new MeshSettings("cluster.local", "cluster.local", "ambit-system");

    /** Every report, as "invalid ns/name field: problem" or "accepted ns/name". */
    private final List<String> reports = new ArrayList<>();
    private final ConfigErrors errors = new ConfigErrors() {
        @Override
        public void invalid(HasMetadata object, String field, String problem) {
            reports.add("invalid " + key(object) + " " + field + ": " + problem);
        }

        @Override
        public void accepted(HasMetadata object) {
            reports.add("accepted " + key(object));
        }
    };
    private final ModelBuilder builder = new ModelBuilder(SETTINGS, errors);
    private long version;

    private static String key(HasMetadata object) {
        return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
    }

    private ConfigSnapshot snapshot() {
        return builder.snapshot(++version, 1000 + version);
    }

    private static Map<String, ConfigEntry> of(ConfigSnapshot snapshot, ResourceType type) {
        return snapshot.resources(type);
    }

    private void apply(HasMetadata... objects) {
        for (HasMetadata object : objects) {
            builder.apply(object, false);
        }
    }

    private static final Pod HELLO = TestObjects.pod("demo", "hello-1", "node-a", "10.1.0.1", "hello",
            Map.of("app", "hello"));

    private void mesh() {
        apply(TestObjects.namespace("demo", Map.of(MeshLabels.DATAPLANE_MODE, MeshLabels.AMBIENT)),
                TestObjects.node("node-a", "10.0.0.1"),
                TestObjects.service("demo", "hello", "10.96.0.10", Map.of("app", "hello"), 80),
                HELLO);
    }

    private Workload workload(ConfigSnapshot snapshot, String uid) {
        return (Workload) of(snapshot, ResourceType.WORKLOAD).get(uid).model();
    }

    private MeshService service(ConfigSnapshot snapshot) {
        return (MeshService) of(snapshot, ResourceType.SERVICE).values().iterator().next().model();
    }

    @Test
    void aPodBecomesAWorkloadAndItsServiceGetsAnEndpoint() {
        mesh();
        assertTrue(builder.hasChanges());
        ConfigSnapshot snapshot = snapshot();
        assertFalse(builder.hasChanges(), "a snapshot takes the changes");
        assertEquals(version, snapshot.version());
        assertEquals(1000 + version, snapshot.changedAtNanos());
        Workload workload = workload(snapshot, "demo-hello-1");
        assertEquals(DataplaneMode.AMBIENT, workload.dataplaneMode());
        assertEquals(List.of(NamespacedName.of("demo", "hello")), workload.services());
        MeshService service = service(snapshot);
        assertEquals(1, service.endpoints().size());
        assertEquals("demo-hello-1", service.endpoints().get(0).workloadUid());
        assertTrue(reports.contains("accepted demo/hello-1"));
    }

    @Test
    void anUnchangedRebuildKeepsItsVersionAndPublishesNothing() {
        mesh();
        ConfigSnapshot first = snapshot();
        apply(TestObjects.pod("demo", "hello-1", "node-a", "10.1.0.1", "hello", Map.of("app", "hello")));
        assertFalse(builder.hasChanges(), "same content, same resource");
        apply(TestObjects.pod("demo", "hello-1", "node-a", "10.1.0.1", "hello", Map.of("app", "hello", "v", "2")));
        assertTrue(builder.hasChanges());
        ConfigSnapshot second = snapshot();
        assertNotEquals(of(first, ResourceType.WORKLOAD).get("demo-hello-1").version(),
                of(second, ResourceType.WORKLOAD).get("demo-hello-1").version());
        assertSame(of(first, ResourceType.SERVICE), of(second, ResourceType.SERVICE),
                "an unchanged type is not copied again");
    }

    @Test
    void aPodLeavingTheSelectorLeavesTheService() {
        mesh();
        snapshot();
        apply(TestObjects.pod("demo", "hello-1", "node-a", "10.1.0.1", "hello", Map.of("app", "other")));
        ConfigSnapshot snapshot = snapshot();
        assertEquals(List.of(), service(snapshot).endpoints());
        assertEquals(List.of(), workload(snapshot, "demo-hello-1").services());
    }

    @Test
    void aDeletedPodIsRemovedEverywhere() {
        mesh();
        snapshot();
        builder.apply(HELLO, true);
        ConfigSnapshot snapshot = snapshot();
        assertEquals(Map.of(), of(snapshot, ResourceType.WORKLOAD));
        assertEquals(List.of(), service(snapshot).endpoints());
    }

    @Test
    void aServiceChangeRebuildsThePodsItSelectsAndSelected() {
        mesh();
        snapshot();
        apply(TestObjects.service("demo", "hello", "10.96.0.10", Map.of("app", "nobody"), 80));
        ConfigSnapshot snapshot = snapshot();
        assertEquals(List.of(), workload(snapshot, "demo-hello-1").services(), "the pod it no longer selects");
        builder.apply(TestObjects.service("demo", "hello", "10.96.0.10", Map.of("app", "nobody"), 80), true);
        ConfigSnapshot gone = snapshot();
        assertEquals(Map.of(), of(gone, ResourceType.SERVICE));
    }

    @Test
    void aNamespaceRelabelRebuildsItsPodsAndServices() {
        mesh();
        snapshot();
        apply(TestObjects.namespace("demo", Map.of()));
        ConfigSnapshot plain = snapshot();
        assertEquals(DataplaneMode.NONE, workload(plain, "demo-hello-1").dataplaneMode());
        apply(TestObjects.namespace("demo", Map.of(MeshLabels.DATAPLANE_MODE, MeshLabels.AMBIENT,
                MeshLabels.USE_WAYPOINT, "wp")));
        assertEquals(null, workload(snapshot(), "demo-hello-1").waypoint().orElse(null), "no Gateway yet");
        apply(K8sYaml.read(Gateway.class, """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: wp
                  namespace: demo
                spec:
                  gatewayClassName: ambit-waypoint
                  listeners:
                  - name: mesh
                    port: 15008
                    protocol: HBONE
                """));
        ConfigSnapshot withWaypoint = snapshot();
        WaypointAddress expected = WaypointAddress.hostname("wp.demo.svc.cluster.local");
        assertEquals(expected, workload(withWaypoint, "demo-hello-1").waypoint().orElseThrow());
        assertEquals(expected, service(withWaypoint).waypoint().orElseThrow());
        apply(K8sYaml.read(Gateway.class, """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: wp
                  namespace: demo
                spec:
                  gatewayClassName: istio
                  listeners:
                  - name: mesh
                    port: 15008
                    protocol: HBONE
                """));
        assertTrue(workload(snapshot(), "demo-hello-1").waypoint().isEmpty(), "another class is no waypoint");
    }

    @Test
    void aNodeChangeRebuildsOnlyItsPods() {
        mesh();
        apply(TestObjects.pod("demo", "other-1", "node-b", "10.1.0.9", "other", Map.of()),
                TestObjects.node("node-b", "10.0.0.2"));
        snapshot();
        apply(TestObjects.node("node-a", "10.0.0.5"));
        ConfigSnapshot snapshot = snapshot();
        assertEquals("10.0.0.5", workload(snapshot, "demo-hello-1").tunnel().orElseThrow().getAddress()
                .getHostAddress());
        assertEquals("10.0.0.2", workload(snapshot, "demo-other-1").tunnel().orElseThrow().getAddress()
                .getHostAddress());
    }

    @Test
    void anEndpointSliceRebuildsItsService() {
        mesh();
        snapshot();
        EndpointSlice slice = K8sYaml.read(EndpointSlice.class, """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: hello-abc
                  namespace: demo
                  labels:
                    kubernetes.io/service-name: hello
                addressType: IPv4
                ports:
                - name: http
                  port: 8080
                endpoints:
                - addresses: [10.1.0.1]
                  targetRef:
                    kind: Pod
                    name: hello-1
                - addresses: [10.1.0.7]
                """);
        apply(slice);
        MeshService service = service(snapshot());
        assertEquals(2, service.endpoints().size());
        assertEquals("demo-hello-1", service.endpoints().get(0).workloadUid(), "the slice's pod by its uid");
        assertEquals("address/10.1.0.7", service.endpoints().get(1).workloadUid());
        builder.apply(slice, true);
        assertEquals(1, service(snapshot()).endpoints().size(), "back to the selected pods");
        apply(K8sYaml.read(EndpointSlice.class, """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: orphan
                  namespace: demo
                addressType: IPv4
                """));
        assertFalse(builder.hasChanges(), "a slice of no service changes nothing");
    }

    @Test
    void policiesAndRoutesAreBuiltFromTheirResources() {
        apply(K8sYaml.read(AuthorizationPolicyResource.class, """
                apiVersion: security.ambit.dev/v1
                kind: AuthorizationPolicy
                metadata:
                  name: allow-all
                  namespace: demo
                spec:
                  rules:
                  - {}
                """), K8sYaml.read(PeerAuthenticationResource.class, """
                apiVersion: security.ambit.dev/v1
                kind: PeerAuthentication
                metadata:
                  name: strict
                  namespace: demo
                spec:
                  mtls:
                    mode: STRICT
                """), K8sYaml.read(RequestAuthenticationResource.class, """
                apiVersion: security.ambit.dev/v1
                kind: RequestAuthentication
                metadata:
                  name: jwt
                  namespace: demo
                spec:
                  jwtRules:
                  - issuer: https://issuer.example
                    jwks: '{"keys": []}'
                """), K8sYaml.read(TrafficPolicyResource.class, """
                apiVersion: traffic.ambit.dev/v1
                kind: TrafficPolicy
                metadata:
                  name: web
                  namespace: demo
                spec:
                  targetRef:
                    name: hello
                """), K8sYaml.read(HTTPRoute.class, """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: r
                  namespace: demo
                spec:
                  parentRefs:
                  - kind: Service
                    name: hello
                  rules:
                  - backendRefs:
                    - name: hello
                      port: 80
                """), K8sYaml.read(HTTPRoute.class, """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: north-south
                  namespace: demo
                spec:
                  parentRefs:
                  - name: gateway
                  rules:
                  - backendRefs:
                    - name: hello
                      port: 80
                """));
        ConfigSnapshot snapshot = snapshot();
        assertEquals(Set.of("demo/allow-all"), of(snapshot, ResourceType.AUTHORIZATION_POLICY).keySet());
        assertTrue(of(snapshot, ResourceType.AUTHORIZATION_POLICY).get("demo/allow-all").model()
                instanceof AuthorizationPolicy);
        assertEquals(Set.of("demo/strict"), of(snapshot, ResourceType.PEER_AUTHENTICATION).keySet());
        assertEquals(Set.of("demo/jwt"), of(snapshot, ResourceType.REQUEST_AUTHENTICATION).keySet());
        assertTrue(of(snapshot, ResourceType.TRAFFIC_POLICY).get("demo/web").model() instanceof TrafficPolicy);
        assertEquals(Set.of("demo/r"), of(snapshot, ResourceType.HTTP_ROUTE).keySet(), "not the gateway's route");
        assertTrue(of(snapshot, ResourceType.HTTP_ROUTE).get("demo/r").model() instanceof HttpRoute);
        assertEquals(List.of(of(snapshot, ResourceType.HTTP_ROUTE).get("demo/r").model()),
                snapshot.index().routesOf(NamespacedName.of("demo", "hello")));
        assertEquals(List.of(), snapshot.index().routesOf(NamespacedName.of("demo", "other")));
    }

    @Test
    void anInvalidChangeIsReportedAndTheLastGoodResourceStays() {
        AuthorizationPolicyResource good = K8sYaml.read(AuthorizationPolicyResource.class, """
                apiVersion: security.ambit.dev/v1
                kind: AuthorizationPolicy
                metadata:
                  name: p
                  namespace: demo
                spec:
                  action: DENY
                """);
        apply(good);
        ConfigEntry before = of(snapshot(), ResourceType.AUTHORIZATION_POLICY).get("demo/p");
        apply(K8sYaml.read(AuthorizationPolicyResource.class, """
                apiVersion: security.ambit.dev/v1
                kind: AuthorizationPolicy
                metadata:
                  name: p
                  namespace: demo
                spec:
                  action: AUDIT
                """));
        assertFalse(builder.hasChanges());
        assertEquals("invalid demo/p spec.action: 'AUDIT' is not one of [ALLOW, DENY]",
                reports.get(reports.size() - 1));
        assertSame(before, of(snapshot(), ResourceType.AUTHORIZATION_POLICY).get("demo/p"));
        apply(TestObjects.pod("demo", "bad", "node-a", "300.1.2.3", "bad", Map.of()));
        assertTrue(reports.get(reports.size() - 1).startsWith("invalid demo/bad status.podIPs[0]: "),
                reports.get(reports.size() - 1));
        apply(K8sYaml.read(PeerAuthenticationResource.class, """
                apiVersion: security.ambit.dev/v1
                kind: PeerAuthentication
                metadata:
                  name: ports
                  namespace: demo
                spec:
                  portLevelMtls:
                    "80":
                      mode: STRICT
                """));
        assertTrue(reports.get(reports.size() - 1).startsWith("invalid demo/ports spec.portModes: "),
                reports.get(reports.size() - 1));
        builder.apply(good, true);
        assertEquals(Map.of(), of(snapshot(), ResourceType.AUTHORIZATION_POLICY));
    }

    @Test
    void aBadParentIsReportedAtItsField() {
        apply(K8sYaml.read(HTTPRoute.class, """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: r
                  namespace: demo
                spec:
                  parentRefs:
                  - kind: Service
                    name: Not_A_Name
                """));
        assertTrue(reports.get(reports.size() - 1).startsWith("invalid demo/r spec.parentRefs[0]"),
                reports.get(reports.size() - 1));
    }

    @Test
    void objectsOfOtherKindsAreIgnored() {
        apply(K8sYaml.read(ConfigMap.class, """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: settings
                  namespace: demo
                """));
        assertFalse(builder.hasChanges());
        assertEquals(List.of(), reports);
    }

    @Test
    void theIndexGroupsWorkloadsServicesAndWaypoints() {
        mesh();
        apply(TestObjects.pod("demo", "other-1", "node-b", "10.1.0.9", "other", Map.of()),
                TestObjects.node("node-b", "10.0.0.2"));
        ConfigSnapshot snapshot = snapshot();
        MeshIndex index = snapshot.index();
        assertSame(index, snapshot.index(), "built once");
        assertEquals(List.of("demo-hello-1"), index.workloadsOn("node-a").stream().map(Workload::uid).toList());
        assertEquals(List.of("demo-other-1"), index.workloadsOn("node-b").stream().map(Workload::uid).toList());
        assertEquals(List.of(), index.workloadsOn("node-c"));
        assertEquals(Set.of("demo-hello-1"), index.endpointWorkloads());
        assertEquals(List.of(), index.servicesUsing("wp.demo.svc.cluster.local"));
        assertEquals(Map.of(), ConfigSnapshot.EMPTY.resources(ResourceType.WORKLOAD));
        assertEquals(0, ConfigSnapshot.EMPTY.version());
    }

    @Test
    void theIndexFindsTheServicesOfAWaypoint() {
        apply(TestObjects.namespace("demo", Map.of(MeshLabels.USE_WAYPOINT, "wp")),
                TestObjects.service("demo", "hello", "10.96.0.10", Map.of("app", "hello"), 80),
                K8sYaml.read(Gateway.class, """
                        apiVersion: gateway.networking.k8s.io/v1
                        kind: Gateway
                        metadata:
                          name: wp
                          namespace: demo
                        spec:
                          gatewayClassName: ambit-waypoint
                          listeners:
                          - name: mesh
                            port: 15008
                            protocol: HBONE
                        """));
        assertEquals(List.of(NamespacedName.of("demo", "hello")), snapshot().index()
                .servicesUsing("wp.demo.svc.cluster.local").stream().map(MeshService::name).toList());
    }

    @Test
    void anIngressGatewayAppearingOrChangingClassRebuildsTheRoutesNamingIt() {
        HTTPRoute route = K8sYaml.read(HTTPRoute.class, """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: hello
                  namespace: demo
                spec:
                  parentRefs:
                  - name: public
                  rules:
                  - backendRefs:
                    - name: hello
                      port: 80
                """);
        apply(route);
        assertEquals(Map.of(), of(snapshot(), ResourceType.HTTP_ROUTE), "no Gateway yet: not ours");
        String gateway = """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: public
                  namespace: demo
                spec:
                  gatewayClassName: %s
                  listeners:
                  - name: http
                    port: 80
                    protocol: HTTP
                """;
        apply(K8sYaml.read(Gateway.class, gateway.formatted("ambit-ingress")));
        ConfigSnapshot attached = snapshot();
        HttpRoute built = (HttpRoute) of(attached, ResourceType.HTTP_ROUTE).get("demo/hello").model();
        assertEquals(List.of(GatewayParentRef.of(NamespacedName.of("demo", "public"))), built.gatewayParentRefs());
        assertEquals(List.of(built), attached.index().routesOfGateway(NamespacedName.of("demo", "public")));

        apply(K8sYaml.read(Gateway.class, gateway.formatted("istio")));
        assertEquals(Map.of(), of(snapshot(), ResourceType.HTTP_ROUTE), "another class's Gateway");
    }
}
