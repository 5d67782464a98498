package dev.ambit.cli.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Values a user changes, and what they change in the rendered objects. */
class NonDefaultValuesTest {

    @Test
    void privilegedIsOnlyWhatTheDocumentedValueAsksFor() {
        RenderedChart chart = RenderedChart.render("nodeAgent.privileged", "true");
        DaemonSet agent = chart.one(DaemonSet.class, "ambit-node-agent");
        Container container = agent.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertTrue(container.getSecurityContext().getPrivileged());
        assertNull(container.getSecurityContext().getCapabilities(), "privileged has them all");
        assertEquals("Bidirectional", container.getVolumeMounts().stream()
                .filter(mount -> mount.getMountPath().equals("/sys/fs/bpf")).findFirst().orElseThrow()
                .getMountPropagation(), "an agent-mounted bpffs must reach the host to keep pins across restarts");
        Container tunnel = tunnel(chart);
        assertFalse(tunnel.getSecurityContext().getPrivileged(), "the tunnel is never privileged");
        assertEquals(List.of("SYS_ADMIN"), tunnel.getSecurityContext().getCapabilities().getAdd(),
                "what bpf() accepted before CAP_BPF existed");
    }

    @Test
    void maxSurgeZeroRestartsNodePodsInPlace() {
        DaemonSet agent = RenderedChart.render("nodeAgent.maxSurge", "0", "nodeAgent.maxUnavailable", "1")
                .one(DaemonSet.class, "ambit-node-agent");
        assertEquals(0, agent.getSpec().getUpdateStrategy().getRollingUpdate().getMaxSurge().getIntVal());
        assertEquals(1, agent.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal());
    }

    @Test
    void aRolloutThatCouldReplaceNothingIsRefused() {
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> RenderedChart.render("nodeAgent.maxSurge", "0", "nodeAgent.maxUnavailable", "0"));
        assertTrue(error.getMessage().contains("nodeAgent.maxSurge and nodeAgent.maxUnavailable cannot both be 0"),
                error.getMessage());
    }

    @Test
    void oneControllerReplicaNeedsNoElectionAndGetsNoBudget() {
        RenderedChart chart = RenderedChart.render("controller.replicas", "1");
        List<String> args = controller(chart).getArgs();
        assertTrue(args.contains("--no-leader-election"));
        assertFalse(args.contains("--leader-election"));
        assertTrue(chart.find(PodDisruptionBudget.class, "ambit-controller").isEmpty(), "it would block node drains");
    }

    @Test
    void tracingValuesBecomeTheControllersFlags() {
        assertTrue(controller(RenderedChart.render()).getArgs().stream().noneMatch(arg -> arg.startsWith("--tracing")),
                "off by default");
        RenderedChart chart = RenderedChart.render("tracing.endpoint", "http://otel-collector.observability:4318",
                "tracing.sampling", "0.25");
        assertTrue(controller(chart).getArgs().containsAll(List.of(
                "--tracing-endpoint=http://otel-collector.observability:4318", "--tracing-sampling=0.25")),
                controller(chart).getArgs().toString());
    }

    @Test
    void theIngressServiceTypeBecomesTheControllersFlag() {
        assertTrue(controller(RenderedChart.render()).getArgs().contains("--ingress-service-type=LoadBalancer"),
                "a LoadBalancer by default");
        assertTrue(controller(RenderedChart.render("ingress.serviceType", "NodePort")).getArgs()
                .contains("--ingress-service-type=NodePort"));
    }

    @Test
    void theGraphsPrometheusBecomesTheControllersFlag() {
        assertTrue(controller(RenderedChart.render()).getArgs().stream()
                .noneMatch(arg -> arg.startsWith("--graph-prometheus-url")), "the controller scrapes by default");
        RenderedChart chart = RenderedChart.render("graph.prometheusUrl", "http://prometheus.monitoring:9090");
        assertTrue(controller(chart).getArgs().contains("--graph-prometheus-url=http://prometheus.monitoring:9090"),
                controller(chart).getArgs().toString());
    }

    @Test
    void imagesComeFromTheConfiguredRegistryAndTags() {
        RenderedChart chart = RenderedChart.render("image.registry", "registry.local:5000/mesh", "image.tag", "dev",
                "waypoint.image.tag", "wp1", "image.pullPolicy", "Never");
        assertEquals("registry.local:5000/mesh/controller:dev", controller(chart).getImage());
        assertEquals("Never", controller(chart).getImagePullPolicy());
        assertTrue(controller(chart).getArgs().contains("--waypoint-image=registry.local:5000/mesh/waypoint:wp1"));
        assertEquals("registry.local:5000/mesh/node-agent:dev", agent(chart).getImage());
    }

    @Test
    void meshSettingsReachControllerAndAgent() {
        RenderedChart chart = RenderedChart.render("trustDomain", "prod.example.com", "clusterDomain", "corp.internal",
                "tokenAudience", "mesh-ca",
                "ca.existingSecret", "corp-intermediate", "nodeAgent.podsCgroup", "/sys/fs/cgroup/kubepods.slice",
                "nodeAgent.drainDeadlineSeconds", "90", "nodeAgent.javaOptions", "-Xmx100m",
                "nodeAgent.tunnel.javaOptions", "-Xmx300m");
        assertTrue(controller(chart).getArgs().containsAll(List.of("--trust-domain=prod.example.com",
                "--token-audience=mesh-ca")));
        assertTrue(agent(chart).getArgs().containsAll(List.of("--trust-domain=prod.example.com",
                "--pods-cgroup=/sys/fs/cgroup/kubepods.slice")));
        assertTrue(tunnel(chart).getArgs().containsAll(List.of("--trust-domain=prod.example.com",
                "--drain-deadline=90s", "--cluster-domain=corp.internal")),
                "the DNS proxy names services as the controller does");
        assertTrue(controller(chart).getArgs().contains("--cluster-domain=corp.internal"));
        assertEquals(105L, chart.one(DaemonSet.class, "ambit-node-agent").getSpec().getTemplate().getSpec()
                .getTerminationGracePeriodSeconds());
        assertEquals("-Xmx100m", agent(chart).getEnv().stream().filter(env -> env.getName().equals("JDK_JAVA_OPTIONS"))
                .findFirst().orElseThrow().getValue());
        assertEquals("-Xmx300m", tunnel(chart).getEnv().stream().filter(env -> env.getName().equals("JDK_JAVA_OPTIONS"))
                .findFirst().orElseThrow().getValue());
        assertEquals("mesh-ca", chart.one(DaemonSet.class, "ambit-node-agent").getSpec().getTemplate().getSpec()
                .getVolumes().stream().filter(volume -> volume.getProjected() != null).findFirst().orElseThrow()
                .getProjected().getSources().get(0).getServiceAccountToken().getAudience());
        assertEquals("corp-intermediate", chart.one(Deployment.class, "ambit-controller").getSpec().getTemplate()
                .getSpec().getVolumes().stream().filter(volume -> volume.getSecret() != null).findFirst().orElseThrow()
                .getSecret().getSecretName());
    }

    @Test
    void theSocketFastPathIsTurnedOnForAgentAndTunnelTogether() {
        assertFalse(agent(RenderedChart.render()).getArgs().contains("--socket-fast-path"), "off by default");
        RenderedChart chart = RenderedChart.render("nodeAgent.socketFastPath", "true");
        assertTrue(agent(chart).getArgs().contains("--socket-fast-path"));
        assertTrue(tunnel(chart).getArgs().contains("--socket-fast-path"), "the tunnel must not run on io_uring then");
    }

    @Test
    void dnsCaptureIsOnUnlessTurnedOff() {
        assertFalse(agent(RenderedChart.render()).getArgs().contains("--no-dns-capture"), "on by default");
        assertTrue(agent(RenderedChart.render("nodeAgent.dnsCapture", "false")).getArgs().contains("--no-dns-capture"));
    }

    @Test
    void dualStackGivesTheAgentEveryAddressOfTheNode() {
        Container agent = agent(RenderedChart.render("nodeAgent.dualStack", "true"));
        assertEquals("status.hostIPs", agent.getEnv().stream().filter(env -> "NODE_IP".equals(env.getName()))
                .findFirst().orElseThrow().getValueFrom().getFieldRef().getFieldPath());
    }

    @Test
    void withoutTheCniPluginNoInstallerNoHostCniMountsAndNoAgentSocket() {
        RenderedChart chart = RenderedChart.render("nodeAgent.cni.enabled", "false");
        io.fabric8.kubernetes.api.model.PodSpec pod = chart.one(DaemonSet.class, "ambit-node-agent").getSpec()
                .getTemplate().getSpec();
        assertEquals(List.of("node-agent", "tunnel"), pod.getContainers().stream().map(Container::getName).toList());
        assertFalse(pod.getVolumes().stream().anyMatch(volume -> volume.getName().startsWith("cni-")));
        assertTrue(agent(chart).getArgs().contains("--cni-socket="), "an empty socket turns the endpoint off");
    }

    @Test
    void failClosedOffAndTheCniDirectoriesOfTheNodes() {
        RenderedChart chart = RenderedChart.render("nodeAgent.cni.failClosed", "false", "nodeAgent.cni.binDir",
                "/home/kubernetes/bin", "nodeAgent.cni.confDir", "/etc/cni/conf.d", "nodeAgent.cni.runDir", "/run/ambit",
                "nodeAgent.cni.stateDir", "/data/ambit", "nodeAgent.cni.enrollWaitSeconds", "3");
        io.fabric8.kubernetes.api.model.PodSpec pod = chart.one(DaemonSet.class, "ambit-node-agent").getSpec()
                .getTemplate().getSpec();
        Container installer = pod.getContainers().get(2);
        assertTrue(installer.getArgs().contains("--fail-closed=false"));
        assertTrue(installer.getArgs().contains("--socket=/run/ambit/cni.sock"));
        assertTrue(installer.getArgs().contains("--ambient-namespaces-file=/data/ambit/ambient-namespaces"));
        Map<String, String> hostPaths = pod.getVolumes().stream().filter(volume -> volume.getHostPath() != null)
                .collect(java.util.stream.Collectors.toMap(volume -> volume.getName(), volume -> volume.getHostPath().getPath()));
        assertEquals("/home/kubernetes/bin", hostPaths.get("cni-bin"), "GKE's CNI bin directory");
        assertEquals("/etc/cni/conf.d", hostPaths.get("cni-conf"));
        assertEquals("/run/ambit", hostPaths.get("cni-run"));
        assertEquals("/data/ambit", hostPaths.get("cni-state"), "the agent's list of ambient namespaces, on disk");
        assertTrue(agent(chart).getArgs().contains("--cni-enroll-wait=3s"));
    }

    @Test
    void prometheusOperatorObjectsWhenAskedAndAnnotationsWhenNot() {
        RenderedChart chart = RenderedChart.render("monitoring.podMonitor.enabled", "true",
                "monitoring.serviceMonitor.enabled", "true", "monitoring.scrapeAnnotations", "false",
                "monitoring.podMonitor.labels.release", "kube-prometheus");
        GenericKubernetesResource dataPlane = (GenericKubernetesResource) chart.generic("PodMonitor", "ambit-data-plane");
        assertEquals("kube-prometheus", dataPlane.getMetadata().getLabels().get("release"));
        assertEquals("tunnel", path(dataPlane, "spec", "podMetricsEndpoints", 0, "relabelings", 0, "regex"),
                "the tunnel container serves the node's metrics");
        assertEquals("$1:15020", path(dataPlane, "spec", "podMetricsEndpoints", 0, "relabelings", 1, "replacement"),
                "node pods declare no ports");
        GenericKubernetesResource waypoints = (GenericKubernetesResource) chart.generic("PodMonitor", "ambit-waypoints");
        assertEquals("gateway.networking.k8s.io/gateway-name", path(waypoints, "spec", "selector", "matchExpressions",
                0, "key"));
        GenericKubernetesResource controller = (GenericKubernetesResource) chart.generic("ServiceMonitor",
                "ambit-controller");
        assertEquals("http-metrics", path(controller, "spec", "endpoints", 0, "port"));
        assertEquals(Map.of(), chart.one(DaemonSet.class, "ambit-node-agent").getSpec().getTemplate().getMetadata()
                .getAnnotations());
    }

    private static Object path(GenericKubernetesResource resource, Object... path) {
        Object node = resource.getAdditionalProperties();
        for (Object step : path) {
            node = step instanceof Integer index ? ((List<?>) node).get(index) : ((Map<?, ?>) node).get(step);
        }
        return node;
    }

    private static Container controller(RenderedChart chart) {
        return chart.one(Deployment.class, "ambit-controller").getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static Container agent(RenderedChart chart) {
        return chart.one(DaemonSet.class, "ambit-node-agent").getSpec().getTemplate().getSpec().getContainers().get(0);
    }

    private static Container tunnel(RenderedChart chart) {
        return chart.one(DaemonSet.class, "ambit-node-agent").getSpec().getTemplate().getSpec().getContainers().get(1);
    }
}
