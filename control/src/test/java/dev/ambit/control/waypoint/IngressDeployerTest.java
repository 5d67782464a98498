package dev.ambit.control.waypoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.mesh.TracingSettings;
import dev.ambit.control.Eventually;
import dev.ambit.control.metrics.ControlMetrics;
import dev.ambit.control.model.convert.K8sYaml;
import dev.ambit.control.stream.StreamFixture;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Ingress Gateways (class ambit-ingress): what the leader deploys for them and the status it writes back. */
@EnableKubernetesMockClient(crud = true)
class IngressDeployerTest {

    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final WaypointDeploymentSettings SETTINGS = new WaypointDeploymentSettings(
            "ghcr.io/ambit-mesh/waypoint:test", "ambit-controller.ambit-system.svc", 15010, 15012, "ambit",
            TracingSettings.OFF);
    /** HTTP on 80 for any host and routes of any namespace; HTTPS on 443 for two names, each its certificate;
     * HTTPS on 8443 whose certificate is in another namespace; a TCP listener. */
    private static final String GATEWAY = """
            apiVersion: gateway.networking.k8s.io/v1
            kind: Gateway
            metadata:
              name: public
              namespace: edge
            spec:
              gatewayClassName: ambit-ingress
              listeners:
              - name: http
                port: 80
                protocol: HTTP
                allowedRoutes:
                  namespaces:
                    from: All
              - name: shop
                port: 443
                protocol: HTTPS
                hostname: shop.example.com
                tls:
                  certificateRefs:
                  - name: shop-cert
              - name: api
                port: 443
                protocol: HTTPS
                hostname: "*.api.example.com"
                tls:
                  certificateRefs:
                  - name: api-cert
                  - name: api-cert-rsa
              - name: admin
                port: 8443
                protocol: HTTPS
                tls:
                  certificateRefs:
                  - name: admin-cert
                    namespace: secrets
              - name: raw
                port: 9000
                protocol: TCP
            """;

    KubernetesClient client;
    private WaypointDeployer deployer;

    @BeforeEach
    void start() {
        deployer = new WaypointDeployer(client, SETTINGS, StreamFixture.SETTINGS,
                new ControlMetrics(new PrometheusRegistry()));
        deployer.start();
    }

    @AfterEach
    void stop() {
        deployer.close();
        client.close();
    }

    @Test
    void anIngressGatewayGetsALoadBalancerOnItsListenersPortsAndAPodServingThem() throws Exception {
        client.resource(K8sYaml.read(Gateway.class, GATEWAY)).create();

        Service service = await(() -> client.services().inNamespace("edge").withName("public").get());
        assertEquals("LoadBalancer", service.getSpec().getType());
        assertEquals(Map.of("http-80", 80, "https-443", 443), service.getSpec().getPorts().stream()
                .collect(Collectors.toMap(ServicePort::getName, ServicePort::getPort)),
                "the served listeners' ports only: no HBONE, no metrics on a load balancer");
        assertEquals(List.of("http", "https"), service.getSpec().getPorts().stream().map(ServicePort::getAppProtocol)
                .toList());

        Deployment deployment = await(() -> client.apps().deployments().inNamespace("edge").withName("public").get());
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);
        List<String> args = container.getArgs();
        assertEquals(List.of("--gateway=edge/public", "--ingress", "--listener=http,HTTP,80,*",
                "--listener=shop,HTTPS,443,shop.example.com,/var/run/ambit-tls/shop-cert",
                "--listener=api,HTTPS,443,*.api.example.com,/var/run/ambit-tls/api-cert,/var/run/ambit-tls/api-cert-rsa"),
                args.stream().filter(arg -> arg.startsWith("--gateway") || arg.startsWith("--ingress")
                        || arg.startsWith("--listener")).toList());
        assertEquals(List.of(80, 443, 15020, 15021), container.getPorts().stream()
                .map(port -> port.getContainerPort()).toList());
        assertEquals(Map.of("/var/run/ambit-tls/shop-cert", "shop-cert", "/var/run/ambit-tls/api-cert", "api-cert",
                "/var/run/ambit-tls/api-cert-rsa", "api-cert-rsa"), container.getVolumeMounts().stream()
                .filter(mount -> mount.getMountPath().startsWith("/var/run/ambit-tls/"))
                .collect(Collectors.toMap(VolumeMount::getMountPath, mount -> pod.getVolumes().stream()
                        .filter(volume -> volume.getName().equals(mount.getName())).findFirst().orElseThrow()
                        .getSecret().getSecretName())));
        assertEquals("0", pod.getSecurityContext().getSysctls().stream()
                .filter(sysctl -> sysctl.getName().equals("net.ipv4.ip_unprivileged_port_start")).findFirst()
                .orElseThrow().getValue(), "uid 1337 binds 80 and 443 without a capability");
        assertEquals(List.of(true, List.of("ALL")), List.of(container.getSecurityContext().getRunAsNonRoot(),
                container.getSecurityContext().getCapabilities().getDrop()));
        assertEquals("none", deployment.getSpec().getTemplate().getMetadata().getLabels()
                .get("ambit.dev/dataplane-mode"), "the gateway speaks HBONE itself and is never captured");

        GatewayClass gatewayClass = client.resources(GatewayClass.class).withName("ambit-ingress").get();
        assertEquals(AmbitGatewayClass.INGRESS_CONTROLLER, gatewayClass.getSpec().getControllerName());
        assertEquals("True", gatewayClass.getStatus().getConditions().get(0).getStatus());
    }

    @Test
    void theStatusReportsEachListenerAndTheRoutesAttachedToIt() throws Exception {
        client.resource(route("edge", "shop", "shop.example.com")).create();
        client.resource(route("demo", "anywhere", null)).create();
        client.resource(route("demo", "elsewhere", "www.example.org")).create();
        Gateway gateway = client.resource(K8sYaml.read(Gateway.class, GATEWAY)).create();

        Gateway programmed = awaitStatus(gateway, current -> condition(current.getStatus().getConditions(),
                "Programmed") != null);
        assertEquals(List.of("True", "Programmed"), statusAndReason(programmed.getStatus().getConditions(),
                "Programmed"));
        assertEquals("public.edge.svc.cluster.local", programmed.getStatus().getAddresses().get(0).getValue());
        Map<String, ListenerStatus> listeners = programmed.getStatus().getListeners().stream()
                .collect(Collectors.toMap(ListenerStatus::getName, listener -> listener));
        // http admits every namespace: all three; shop only its own namespace's route for its hostname; api none.
        assertEquals(Map.of("http", 3, "shop", 1, "api", 0, "admin", 0, "raw", 0), listeners.values().stream()
                .collect(Collectors.toMap(ListenerStatus::getName, ListenerStatus::getAttachedRoutes)));
        assertEquals(List.of("True", "Programmed"), statusAndReason(listeners.get("shop").getConditions(),
                "Programmed"));
        assertEquals(List.of("False", "RefNotPermitted"), statusAndReason(listeners.get("admin").getConditions(),
                "ResolvedRefs"));
        assertEquals(List.of("False", "UnsupportedProtocol"), statusAndReason(listeners.get("raw").getConditions(),
                "Accepted"));
        assertEquals(List.of(), listeners.get("raw").getSupportedKinds());
        assertEquals("HTTPRoute", listeners.get("http").getSupportedKinds().get(0).getKind());

        // A new route is counted: route changes queue the Gateways they name.
        client.resource(route("edge", "api", "v1.api.example.com")).create();
        Gateway recounted = awaitStatus(gateway, current -> current.getStatus().getListeners().stream()
                .anyMatch(listener -> listener.getName().equals("api") && listener.getAttachedRoutes() == 1));
        assertEquals(4, recounted.getStatus().getListeners().stream()
                .filter(listener -> listener.getName().equals("http")).findFirst().orElseThrow().getAttachedRoutes());
    }

    @Test
    void theLoadBalancersAddressBecomesTheGatewaysAddress() throws Exception {
        Gateway gateway = client.resource(K8sYaml.read(Gateway.class, GATEWAY)).create();
        Service service = await(() -> client.services().inNamespace("edge").withName("public").get());
        awaitStatus(gateway, current -> condition(current.getStatus().getConditions(), "Programmed") != null);

        client.resource(new ServiceBuilder(service).withNewStatus().withNewLoadBalancer().addNewIngress()
                .withIp("203.0.113.7").endIngress().endLoadBalancer().endStatus().build()).updateStatus();
        Gateway addressed = awaitStatus(gateway, current -> current.getStatus().getAddresses().stream()
                .anyMatch(address -> "IPAddress".equals(address.getType())));
        assertEquals("203.0.113.7", addressed.getStatus().getAddresses().get(0).getValue());
    }

    @Test
    void aGatewayWithNoListenerItCanServeRunsNothingAndSaysWhy() throws Exception {
        Gateway gateway = client.resource(K8sYaml.read(Gateway.class, """
                apiVersion: gateway.networking.k8s.io/v1
                kind: Gateway
                metadata:
                  name: broken
                  namespace: edge
                spec:
                  gatewayClassName: ambit-ingress
                  listeners:
                  - name: https
                    port: 443
                    protocol: HTTPS
                """)).create();
        Gateway invalid = awaitStatus(gateway, current -> condition(current.getStatus().getConditions(),
                "Programmed") != null);
        assertEquals(List.of("False", "Invalid"), statusAndReason(invalid.getStatus().getConditions(), "Programmed"));
        assertEquals(List.of("False", "InvalidCertificateRef"), statusAndReason(invalid.getStatus().getListeners()
                .get(0).getConditions(), "ResolvedRefs"));
        assertNull(client.apps().deployments().inNamespace("edge").withName("broken").get());
    }

    @Test
    void aGatewayAnnotationPicksItsServiceType() throws Exception {
        Gateway gateway = K8sYaml.read(Gateway.class, GATEWAY);
        gateway.getMetadata().setAnnotations(Map.of("ambit.dev/service-type", "NodePort"));
        client.resource(gateway).create();
        assertEquals("NodePort", await(() -> client.services().inNamespace("edge").withName("public").get())
                .getSpec().getType());
        assertFalse(new WaypointResources(SETTINGS, StreamFixture.SETTINGS).serviceType(
                K8sYaml.read(Gateway.class, GATEWAY)).equals("NodePort"));
        assertTrue(WaypointDeploymentSettings.SERVICE_TYPES.contains(SETTINGS.ingressServiceType()));
    }

    private static HTTPRoute route(String namespace, String name, String hostname) {
        return K8sYaml.read(HTTPRoute.class, """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  parentRefs:
                  - name: public
                    namespace: edge
                %s
                  rules:
                  - backendRefs:
                    - name: web
                      port: 80
                """.formatted(name, namespace, hostname == null ? "" : "  hostnames: [" + hostname + "]"));
    }

    private Gateway awaitStatus(Gateway gateway, Predicate<Gateway> ready) throws InterruptedException {
        return await(() -> {
            Gateway current = client.resource(gateway).get();
            return current.getStatus() != null && current.getStatus().getConditions() != null
                    && !current.getStatus().getConditions().isEmpty() && ready.test(current) ? current : null;
        });
    }

    private static Condition condition(List<Condition> conditions, String type) {
        return conditions.stream().filter(condition -> type.equals(condition.getType())).findFirst().orElse(null);
    }

    private static List<String> statusAndReason(List<Condition> conditions, String type) {
        Condition condition = condition(conditions, type);
        return List.of(condition.getStatus(), condition.getReason());
    }

    private static <T> T await(Supplier<T> value) throws InterruptedException {
        return Eventually.present(WITHIN, "ingress object", value);
    }
}
