package dev.ambit.control.waypoint;

import dev.ambit.api.mesh.TracingSettings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.ambit.control.Eventually;
import dev.ambit.control.metrics.ControlMetrics;
import dev.ambit.control.stream.StreamFixture;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class WaypointDeployerTest {

    /** A bound for failing only: on a loaded 2-core CI host the mock API server and informers are slow. */
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final WaypointDeploymentSettings SETTINGS = new WaypointDeploymentSettings("ghcr.io/ambit-mesh/waypoint:test",
            "ambit-controller.ambit-system.svc", 15010, 15012, "ambit", TracingSettings.OFF);

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
        // Before the extension stops the mock server: fabric8 7.8.0's server waits up to 10 s on every WebSocket
        // (watch) still open when it closes, and then fails the test. Closing the client closes them first.
        client.close();
    }

    @Test
    void aWaypointGatewayGetsADeploymentServiceAndServiceAccountItOwns() throws Exception {
        Gateway gateway = client.resource(gateway("waypoint", "ambit-waypoint")).create();

        Deployment deployment = await(() -> deployment("waypoint"));
        Service service = await(() -> client.services().inNamespace("demo").withName("waypoint").get());
        var account = await(() -> client.serviceAccounts().inNamespace("demo").withName("waypoint").get());
        for (HasMetadata owned : List.of(deployment, service, account)) {
            var owner = owned.getMetadata().getOwnerReferences().get(0);
            assertEquals(List.of("Gateway", "waypoint", gateway.getMetadata().getUid(), true),
                    List.of(owner.getKind(), owner.getName(), owner.getUid(), owner.getController()), owned.getKind());
        }
        assertEquals(Map.of("mesh", 15008, "metrics", 15020), service.getSpec().getPorts().stream()
                .collect(Collectors.toMap(ServicePort::getName, ServicePort::getPort)));
        assertEquals(Map.of("gateway.networking.k8s.io/gateway-name", "waypoint"), service.getSpec().getSelector());

        Gateway withStatus = awaitProgrammed(gateway);
        assertEquals("True", condition(withStatus, "Accepted").getStatus());
        assertEquals("True", condition(withStatus, "Programmed").getStatus());
        assertEquals("waypoint.demo.svc.cluster.local", withStatus.getStatus().getAddresses().get(0).getValue());
        assertEquals("Hostname", withStatus.getStatus().getAddresses().get(0).getType());
    }

    @Test
    void theLeaderDeclaresTheWaypointGatewayClassAsAccepted() {
        GatewayClass declared = client.resources(GatewayClass.class).withName("ambit-waypoint").get();
        assertEquals(AmbitGatewayClass.WAYPOINT_CONTROLLER, declared.getSpec().getControllerName());
        Condition accepted = declared.getStatus().getConditions().get(0);
        assertEquals(List.of("Accepted", "True"), List.of(accepted.getType(), accepted.getStatus()));

        // A class of that name owned by another controller is left alone.
        client.resources(GatewayClass.class).withName("ambit-waypoint").delete();
        client.resource(new GatewayClassBuilder().withNewMetadata().withName("ambit-waypoint").endMetadata()
                .withNewSpec().withControllerName("example.com/other").endSpec().build()).create();
        deployer.stop();
        deployer.start();
        GatewayClass foreign = client.resources(GatewayClass.class).withName("ambit-waypoint").get();
        assertEquals("example.com/other", foreign.getSpec().getControllerName());
        assertNull(foreign.getStatus() == null ? null : foreign.getStatus().getConditions().stream()
                .filter(condition -> "Accepted".equals(condition.getType())).findFirst().orElse(null));
    }

    @Test
    void theWaypointPodIsWhatAPlatformTeamExpects() throws Exception {
        awaitProgrammed(client.resource(gateway("waypoint", "ambit-waypoint")).create());
        var template = deployment("waypoint").getSpec().getTemplate();
        assertEquals("none", template.getMetadata().getLabels().get("ambit.dev/dataplane-mode"),
                "a waypoint is never captured by the node tunnel");
        assertEquals("waypoint", template.getMetadata().getLabels().get("gateway.networking.k8s.io/gateway-name"));

        PodSpec pod = template.getSpec();
        assertEquals("waypoint", pod.getServiceAccountName());
        assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken());
        assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
        assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
        Container container = pod.getContainers().get(0);
        assertEquals(SETTINGS.image(), container.getImage());
        assertEquals(List.of("--gateway=demo/waypoint", "--controller=ambit-controller.ambit-system.svc:15010",
                "--ca=ambit-controller.ambit-system.svc:15012", "--trust-domain=cluster.local",
                "--root-namespace=ambit-system", "--root-cert=/var/run/ambit/root-cert.pem",
                "--token-file=/var/run/secrets/ambit/token"),
                container.getArgs());
        for (var probe : List.of(container.getReadinessProbe(), container.getStartupProbe())) {
            assertEquals(new IntOrString(15021), probe.getHttpGet().getPort());
            assertEquals("/healthz/ready", probe.getHttpGet().getPath());
        }
        assertEquals(new Quantity("100m"), container.getResources().getRequests().get("cpu"));
        assertEquals(new Quantity("1Gi"), container.getResources().getLimits().get("memory"));
        var security = container.getSecurityContext();
        assertEquals(List.of(true, false, true, List.of("ALL")), List.of(security.getRunAsNonRoot(),
                security.getAllowPrivilegeEscalation(), security.getReadOnlyRootFilesystem(),
                security.getCapabilities().getDrop()));
        var token = pod.getVolumes().stream().filter(volume -> volume.getName().equals("ambit-token")).findFirst()
                .orElseThrow().getProjected().getSources().get(0).getServiceAccountToken();
        assertEquals("ambit", token.getAudience());
        assertEquals("ambit-root-cert", pod.getVolumes().stream().filter(volume -> volume.getName().equals("root-cert"))
                .findFirst().orElseThrow().getConfigMap().getName());
    }

    /** The mesh's tracing reaches each waypoint as its flags; with tracing off (above) there are none. */
    @Test
    void theMeshsTracingIsGivenToTheWaypointAsFlags() {
        WaypointDeploymentSettings traced = new WaypointDeploymentSettings(SETTINGS.image(), SETTINGS.controllerHost(),
                SETTINGS.configPort(), SETTINGS.caPort(), SETTINGS.tokenAudience(),
                TracingSettings.parse("http://collector.observability:4318", "0.1"));
        Deployment rendered = new WaypointResources(traced, StreamFixture.SETTINGS).of(gateway("waypoint",
                "ambit-waypoint")).stream().filter(Deployment.class::isInstance).map(Deployment.class::cast)
                .findFirst().orElseThrow();
        List<String> args = rendered.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
        assertEquals(List.of("--tracing-endpoint=http://collector.observability:4318/v1/traces",
                "--tracing-sampling=0.1"), args.subList(args.size() - 2, args.size()));
    }

    @Test
    void aChangeToTheGatewayUpdatesTheDeployment() throws Exception {
        Gateway gateway = client.resource(gateway("waypoint", "ambit-waypoint")).create();
        await(() -> deployment("waypoint"));
        // Once the status is written the deployer leaves the Gateway alone, and the edit cannot conflict.
        client.resource(awaitProgrammed(gateway)).edit(current -> new GatewayBuilder(current).editSpec()
                .withNewInfrastructure().addToLabels("team", "payments").addToAnnotations("cost-center", "42")
                .endInfrastructure().endSpec().build());
        Deployment updated = await(() -> {
            Deployment current = deployment("waypoint");
            return "payments".equals(current.getSpec().getTemplate().getMetadata().getLabels().get("team"))
                    ? current : null;
        });
        assertEquals("42", updated.getMetadata().getAnnotations().get("cost-center"));
        assertEquals("none", updated.getSpec().getTemplate().getMetadata().getLabels()
                .get("ambit.dev/dataplane-mode"), "the Gateway's labels never override the mesh's");
    }

    @Test
    void deletingTheGatewayOrChangingItsClassRemovesTheWaypoint() throws Exception {
        Gateway first = client.resource(gateway("first", "ambit-waypoint")).create();
        Gateway second = client.resource(gateway("second", "ambit-waypoint")).create();
        await(() -> deployment("first"));
        await(() -> deployment("second"));

        client.resource(first).delete();
        awaitGone(() -> deployment("first"));
        awaitGone(() -> client.services().inNamespace("demo").withName("first").get());
        awaitGone(() -> client.serviceAccounts().inNamespace("demo").withName("first").get());

        client.resource(awaitProgrammed(second)).edit(current -> new GatewayBuilder(current).editSpec()
                .withGatewayClassName("istio").endSpec().build());
        awaitGone(() -> deployment("second"));
        awaitGone(() -> client.serviceAccounts().inNamespace("demo").withName("second").get());
    }

    @Test
    void aGatewayOfAnotherClassIsIgnored() throws Exception {
        client.resource(gateway("ingress", "istio")).create();
        client.resource(gateway("waypoint", "ambit-waypoint")).create();
        // One worker takes Gateways in the order they came: once the second is deployed, the first was skipped.
        awaitProgrammed(client.resources(Gateway.class).inNamespace("demo").withName("waypoint").get());
        assertNull(deployment("ingress"));
        assertNull(client.resources(Gateway.class).inNamespace("demo").withName("ingress").get().getStatus());
    }

    @Test
    void aDeploymentSomeoneElseOwnsIsNeverOverwritten() throws Exception {
        client.resource(new DeploymentBuilder().withNewMetadata().withNamespace("demo").withName("waypoint")
                .addToLabels("app", "theirs").endMetadata().build()).create();
        Gateway gateway = client.resource(gateway("waypoint", "ambit-waypoint")).create();
        Condition programmed = await(() -> {
            Gateway current = client.resource(gateway).get();
            return current.getStatus() == null ? null : condition(current, "Programmed");
        });
        assertEquals(List.of("False", "Invalid", "Deployment demo/waypoint exists and is not managed by Ambit"),
                List.of(programmed.getStatus(), programmed.getReason(), programmed.getMessage()));
        assertEquals("theirs", deployment("waypoint").getMetadata().getLabels().get("app"));
    }

    private Gateway awaitProgrammed(Gateway gateway) throws InterruptedException {
        return await(() -> {
            Gateway current = client.resource(gateway).get();
            return current.getStatus() != null && condition(current, "Programmed") != null ? current : null;
        });
    }

    private Deployment deployment(String name) {
        return client.apps().deployments().inNamespace("demo").withName(name).get();
    }

    private static Gateway gateway(String name, String gatewayClass) {
        return new GatewayBuilder().withNewMetadata().withNamespace("demo").withName(name).endMetadata()
                .withNewSpec().withGatewayClassName(gatewayClass).addNewListener().withName("mesh").withPort(15008)
                .withProtocol("HBONE").endListener().endSpec().build();
    }

    private static Condition condition(Gateway gateway, String type) {
        return gateway.getStatus().getConditions().stream().filter(condition -> type.equals(condition.getType()))
                .findFirst().orElse(null);
    }

    private static <T> T await(Supplier<T> value) throws InterruptedException {
        return Eventually.present(WITHIN, "waypoint object", value);
    }

    private static void awaitGone(Supplier<?> value) throws InterruptedException {
        Eventually.until(WITHIN, "waypoint object removed", () -> value.get() == null);
    }
}
