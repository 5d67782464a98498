package dev.ambit.control.model.convert;

import dev.ambit.api.mesh.MeshPorts;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.InvalidConfigException;
import dev.ambit.api.model.IpLiteral;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.workload.DataplaneMode;
import dev.ambit.api.model.workload.Endpoint;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.ServicePort;
import dev.ambit.api.model.workload.WaypointAddress;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.control.model.MeshSettings;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Pods into workloads and Services (with their slices or pods) into mesh services. */
class WorkloadAndServiceConversionTest {

    private static final MeshSettings SETTINGS = new MeshSettings("cluster.local", "cluster.local", "ambit-system");
    private static final WorkloadConverter WORKLOADS = new WorkloadConverter(SETTINGS);
    private static final ServiceConverter SERVICES = new ServiceConverter(SETTINGS);
    private static final Namespace AMBIENT = K8sYaml.read(Namespace.class, """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: demo
              labels:
                ambit.dev/dataplane-mode: ambient
            """);
    private static final Node NODE = K8sYaml.read(Node.class, """
            apiVersion: v1
            kind: Node
            metadata:
              name: node-a
            status:
              addresses:
              - type: Hostname
                address: node-a
              - type: InternalIP
                address: 10.0.0.1
            """);

    private static Pod pod(String yaml) {
        return K8sYaml.read(Pod.class, "apiVersion: v1\nkind: Pod\n" + yaml);
    }

    private static final Pod HELLO = pod("""
            metadata:
              name: hello-1
              namespace: demo
              uid: u-1
              labels:
                app: hello
                version: v2
            spec:
              nodeName: node-a
              serviceAccountName: hello
              containers:
              - name: app
                ports:
                - name: web
                  containerPort: 8080
            status:
              phase: Running
              podIPs:
              - ip: 10.1.0.1
              - ip: fd00::1
            """);

    private static Optional<Workload> workload(Pod pod, Namespace namespace) {
        return WORKLOADS.convert(pod, namespace, NODE, Optional.empty(), List.of());
    }

    @Test
    void anAmbientPodIsAWorkloadBehindItsNodesTunnel() {
        Workload workload = WORKLOADS.convert(HELLO, AMBIENT, NODE, Optional.of(WaypointAddress.hostname("wp.demo.svc")),
                List.of(NamespacedName.of("demo", "hello"))).orElseThrow();
        assertEquals("u-1", workload.uid());
        assertEquals(NamespacedName.of("demo", "hello-1"), workload.name());
        assertEquals(SpiffeId.of("cluster.local", "demo", "hello"), workload.identity());
        assertEquals("node-a", workload.node());
        assertEquals(List.of(IpLiteral.parse("10.1.0.1"), IpLiteral.parse("fd00::1")), workload.addresses());
        assertEquals(DataplaneMode.AMBIENT, workload.dataplaneMode());
        assertEquals(Optional.of(new InetSocketAddress(IpLiteral.parse("10.0.0.1"), MeshPorts.HBONE)),
                workload.tunnel());
        assertEquals(Optional.of(WaypointAddress.hostname("wp.demo.svc")), workload.waypoint());
        assertEquals("hello", workload.canonicalName());
        assertEquals("v2", workload.canonicalRevision());
        assertEquals(List.of(NamespacedName.of("demo", "hello")), workload.services());
    }

    @Test
    void aPodOutsideAnAmbientNamespaceOrOptedOutIsNotCaptured() {
        Workload plain = workload(HELLO, null).orElseThrow();
        assertEquals(DataplaneMode.NONE, plain.dataplaneMode());
        assertEquals(Optional.empty(), plain.tunnel());
        Pod optedOut = pod("""
                metadata:
                  name: out
                  namespace: demo
                  labels:
                    ambit.dev/dataplane-mode: none
                spec:
                  nodeName: node-a
                status:
                  podIP: 10.1.0.2
                """);
        assertEquals(DataplaneMode.NONE, workload(optedOut, AMBIENT).orElseThrow().dataplaneMode());
        Pod hostNetwork = pod("""
                metadata:
                  name: host
                  namespace: demo
                spec:
                  nodeName: node-a
                  hostNetwork: true
                status:
                  podIP: 10.0.0.1
                """);
        assertEquals(DataplaneMode.NONE, workload(hostNetwork, AMBIENT).orElseThrow().dataplaneMode());
    }

    @Test
    void dnsIsCapturedUnlessThePodOrItsNamespaceSaysFalseAndThePodsOwnLabelWins() {
        assertTrue(workload(HELLO, AMBIENT).orElseThrow().dnsCapture(), "captured by default");
        Namespace noCapture = K8sYaml.read(Namespace.class, """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: demo
                  labels:
                    ambit.dev/dataplane-mode: ambient
                    ambit.dev/dns-capture: "false"
                """);
        assertFalse(workload(HELLO, noCapture).orElseThrow().dnsCapture(), "the namespace opts out");
        Pod capturedAnyway = pod("""
                metadata:
                  name: resolver-client
                  namespace: demo
                  labels:
                    ambit.dev/dns-capture: "true"
                spec:
                  nodeName: node-a
                status:
                  podIP: 10.1.0.3
                """);
        assertTrue(workload(capturedAnyway, noCapture).orElseThrow().dnsCapture(), "the pod's own label wins");
        Pod podOptsOut = pod("""
                metadata:
                  name: own-resolver
                  namespace: demo
                  labels:
                    ambit.dev/dns-capture: "FALSE"
                spec:
                  nodeName: node-a
                status:
                  podIP: 10.1.0.4
                """);
        assertFalse(workload(podOptsOut, AMBIENT).orElseThrow().dnsCapture(), "the pod opts out");
    }

    @Test
    void aPodFallsBackToItsNameDefaultAccountAndLatestRevision() {
        Workload workload = workload(pod("""
                metadata:
                  name: bare
                  namespace: demo
                spec:
                  nodeName: node-a
                status:
                  podIP: 10.1.0.3
                """), AMBIENT).orElseThrow();
        assertEquals("demo/bare", workload.uid());
        assertEquals(SpiffeId.of("cluster.local", "demo", "default"), workload.identity());
        assertEquals("bare", workload.canonicalName());
        assertEquals("latest", workload.canonicalRevision());
        Workload labelled = workload(pod("""
                metadata:
                  name: labelled
                  namespace: demo
                  uid: ""
                  labels:
                    app.kubernetes.io/name: shop
                    app: ignored
                    app.kubernetes.io/version: "1.2"
                spec:
                  nodeName: node-a
                  serviceAccountName: ""
                status:
                  podIP: 10.1.0.4
                  podIPs: []
                """), AMBIENT).orElseThrow();
        assertEquals("demo/labelled", labelled.uid());
        assertEquals(SpiffeId.of("cluster.local", "demo", "default"), labelled.identity());
        assertEquals("shop", labelled.canonicalName());
        assertEquals("1.2", labelled.canonicalRevision());
    }

    @Test
    void aLongPodNameIsCutToAValidLabelValue() {
        String name = "a".repeat(62) + "-b" + "c".repeat(10);
        Workload workload = workload(pod("""
                metadata:
                  name: %s
                  namespace: demo
                spec:
                  nodeName: node-a
                status:
                  podIP: 10.1.0.5
                """.formatted(name)), null).orElseThrow();
        assertEquals("a".repeat(62), workload.canonicalName(), "cut at 63 and trailing '-' dropped");
    }

    @Test
    void aPodNobodyCanReachIsNoWorkload() {
        assertEquals(Optional.empty(), workload(pod("""
                metadata:
                  name: pending
                  namespace: demo
                spec: {}
                status:
                  podIP: 10.1.0.6
                """), AMBIENT), "not scheduled");
        assertEquals(Optional.empty(), workload(pod("""
                metadata:
                  name: starting
                  namespace: demo
                spec:
                  nodeName: node-a
                status:
                  podIP: ""
                """), null), "outside the mesh and no address yet");
        assertEquals(Optional.empty(), workload(pod("""
                metadata:
                  name: nostatus
                  namespace: demo
                spec:
                  nodeName: node-a
                """), null));
        for (String phase : List.of("Succeeded", "Failed")) {
            assertEquals(Optional.empty(), workload(pod("""
                    metadata:
                      name: done
                      namespace: demo
                    spec:
                      nodeName: node-a
                    status:
                      phase: %s
                      podIP: 10.1.0.7
                    """.formatted(phase)), AMBIENT), phase);
        }
    }

    @Test
    void aScheduledAmbientPodIsPublishedBeforeItHasAnAddressSoItsAgentCanEnrollItDuringSandboxCreation() {
        Workload starting = workload(pod("""
                metadata:
                  name: starting
                  namespace: demo
                  uid: 6f1c
                spec:
                  nodeName: node-a
                  serviceAccountName: hello
                status:
                  podIP: ""
                """), AMBIENT).orElseThrow();

        assertEquals(DataplaneMode.AMBIENT, starting.dataplaneMode());
        assertEquals("6f1c", starting.uid());
        assertEquals(List.of(), starting.addresses());
        assertEquals(SpiffeId.of("cluster.local", "demo", "hello"), starting.identity());
        assertTrue(starting.ambientOn("node-a"));
    }

    @Test
    void aDualStackNodeGivesItsPodsATunnelInEachFamily() {
        Node dualStack = K8sYaml.read(Node.class, """
                apiVersion: v1
                kind: Node
                metadata:
                  name: node-a
                status:
                  addresses:
                  - type: InternalIP
                    address: 10.0.0.1
                  - type: InternalIP
                    address: 10.0.0.7
                  - type: ExternalIP
                    address: 2001:db8::9
                  - type: InternalIP
                    address: fd00::a
                """);
        Workload workload = WORKLOADS.convert(HELLO, AMBIENT, dualStack, Optional.empty(), List.of()).orElseThrow();
        assertEquals(Optional.of(new InetSocketAddress(IpLiteral.parse("10.0.0.1"), MeshPorts.HBONE)),
                workload.tunnel());
        // The second IPv4 InternalIP is no second family; the ExternalIP is not the node's tunnel.
        assertEquals(Optional.of(new InetSocketAddress(IpLiteral.parse("fd00::a"), MeshPorts.HBONE)),
                workload.otherFamilyTunnel());
        assertEquals(Optional.empty(), workload(HELLO, AMBIENT).orElseThrow().otherFamilyTunnel(),
                "a single-stack node has one tunnel");
    }

    @Test
    void anAmbientPodNeedsItsNodesAddress() {
        InvalidConfigException noNode = assertThrows(InvalidConfigException.class,
                () -> WORKLOADS.convert(HELLO, AMBIENT, null, Optional.empty(), List.of()));
        assertEquals("spec.nodeName", noNode.field());
        assertTrue(noNode.problem().contains("node 'node-a' has no InternalIP"), noNode.problem());
        Node hostnameOnly = K8sYaml.read(Node.class, """
                apiVersion: v1
                kind: Node
                metadata:
                  name: node-a
                status:
                  addresses:
                  - type: Hostname
                    address: node-a
                """);
        assertThrows(InvalidConfigException.class,
                () -> WORKLOADS.convert(HELLO, AMBIENT, hostnameOnly, Optional.empty(), List.of()));
        assertEquals("status.podIPs[0]", assertThrows(InvalidConfigException.class, () -> workload(pod("""
                metadata:
                  name: bad
                  namespace: demo
                spec:
                  nodeName: node-a
                status:
                  podIP: not-an-ip
                """), null)).field());
    }

    private static Service service(String yaml) {
        return K8sYaml.read(Service.class, "apiVersion: v1\nkind: Service\n" + yaml);
    }

    private static final Service HELLO_SERVICE = service("""
            metadata:
              name: hello
              namespace: demo
              labels:
                tier: web
            spec:
              clusterIP: 10.96.0.10
              clusterIPs: [10.96.0.10, fd00:96::10]
              selector:
                app: hello
              ports:
              - name: http
                port: 80
                targetPort: web
                appProtocol: http
              - name: metrics
                port: 9090
              - name: grpc
                port: 7070
                targetPort: 7071
            """);

    @Test
    void aServiceFromTheSelectedPods() {
        Pod finished = pod("""
                metadata:
                  name: hello-0
                  namespace: demo
                spec:
                  nodeName: node-a
                status:
                  phase: Succeeded
                  podIP: 10.1.0.9
                """);
        Pod deleting = pod("""
                metadata:
                  name: hello-2
                  namespace: demo
                  deletionTimestamp: "2030-01-01T00:00:00Z"
                spec:
                  nodeName: node-a
                status:
                  podIP: 10.1.0.8
                """);
        MeshService service = SERVICES.convert(HELLO_SERVICE, Optional.empty(), List.of(),
                List.of(HELLO, finished, deleting), key -> Optional.empty()).orElseThrow();
        assertEquals(NamespacedName.of("demo", "hello"), service.name());
        assertEquals("hello.demo.svc.cluster.local", service.hostname());
        assertEquals(List.of(IpLiteral.parse("10.96.0.10"), IpLiteral.parse("fd00:96::10")), service.vips());
        assertEquals(List.of(new ServicePort("http", 80, 80, Optional.of("http")),
                new ServicePort("metrics", 9090, 9090, Optional.empty()),
                new ServicePort("grpc", 7070, 7071, Optional.empty())), service.ports());
        Map<Integer, Integer> ports = Map.of(80, 8080, 9090, 9090, 7070, 7071);
        assertEquals(List.of(new Endpoint("u-1", IpLiteral.parse("10.1.0.1"), ports),
                new Endpoint("u-1", IpLiteral.parse("fd00::1"), ports)), service.endpoints());
        assertEquals(Map.of("tier", "web"), service.labels());
    }

    @Test
    void aServiceFromItsEndpointSlices() {
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
                - name: unknown
                  port: 1
                endpoints:
                - addresses: [10.1.0.2]
                  targetRef:
                    kind: Pod
                    name: hello-2
                - addresses: [10.1.0.1]
                  conditions:
                    ready: true
                  targetRef:
                    kind: Pod
                    name: hello-1
                - addresses: [10.1.0.3]
                  conditions:
                    ready: false
                - addresses: [10.2.0.1]
                """);
        MeshService service = SERVICES.convert(HELLO_SERVICE, Optional.empty(), List.of(slice), List.of(),
                key -> key.equals("demo/hello-1") ? Optional.of("u-1") : Optional.empty()).orElseThrow();
        assertEquals(List.of(new Endpoint("u-1", IpLiteral.parse("10.1.0.1"), Map.of(80, 8080)),
                new Endpoint("demo/hello-2", IpLiteral.parse("10.1.0.2"), Map.of(80, 8080)),
                new Endpoint("address/10.2.0.1", IpLiteral.parse("10.2.0.1"), Map.of(80, 8080))),
                service.endpoints());
    }

    @Test
    void portsWithoutNamesTargetsOrAddressesKeepTheirDefaults() {
        MeshService headless = SERVICES.convert(service("""
                metadata:
                  name: db
                  namespace: demo
                spec:
                  clusterIP: None
                  selector:
                    app: hello
                  ports:
                  - port: 5432
                """), Optional.of(WaypointAddress.hostname("wp.demo.svc")), List.of(), List.of(HELLO),
                key -> Optional.empty()).orElseThrow();
        assertEquals(List.of(), headless.vips());
        assertEquals(List.of(new ServicePort("", 5432, 5432, Optional.empty())), headless.ports());
        assertEquals(Map.of(5432, 5432), headless.endpoints().get(0).ports());
        assertEquals(Optional.of(WaypointAddress.hostname("wp.demo.svc")), headless.waypoint());
        MeshService sliced = SERVICES.convert(service("""
                metadata:
                  name: db
                  namespace: demo
                spec:
                  clusterIPs: [""]
                  ports:
                  - port: 5432
                """), Optional.empty(), List.of(K8sYaml.read(EndpointSlice.class, """
                apiVersion: discovery.k8s.io/v1
                kind: EndpointSlice
                metadata:
                  name: db-1
                  namespace: demo
                addressType: IPv4
                ports:
                - port: 15432
                endpoints:
                - addresses: [10.3.0.1]
                """)), List.of(), key -> Optional.empty()).orElseThrow();
        assertEquals(List.of(), sliced.vips());
        assertEquals(Map.of(5432, 15432), sliced.endpoints().get(0).ports());
        assertEquals(Optional.empty(), SERVICES.convert(service("""
                metadata:
                  name: external
                  namespace: demo
                spec:
                  type: ExternalName
                  externalName: example.com
                """), Optional.empty(), List.of(), List.of(), key -> Optional.empty()));
    }

    @Test
    void aNamedTargetPortMissingFromAPodLeavesThatPortOut() {
        Pod noPorts = pod("""
                metadata:
                  name: other
                  namespace: demo
                  uid: u-2
                spec:
                  nodeName: node-a
                status:
                  podIP: 10.1.0.20
                """);
        MeshService service = SERVICES.convert(HELLO_SERVICE, Optional.empty(), List.of(), List.of(noPorts),
                key -> Optional.empty()).orElseThrow();
        assertEquals(Map.of(9090, 9090, 7070, 7071), service.endpoints().get(0).ports());
    }

    @Test
    void aBadClusterIpNamesItsIndex() {
        assertEquals("spec.clusterIPs[1]", assertThrows(InvalidConfigException.class, () -> SERVICES.convert(
                service("""
                        metadata:
                          name: bad
                          namespace: demo
                        spec:
                          clusterIPs: [10.96.0.1, nonsense]
                        """), Optional.empty(), List.of(), List.of(), key -> Optional.empty())).field());
    }
}
