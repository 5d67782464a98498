package dev.ambit.cli.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The chart with default values: what a plain install puts in the cluster. */
class DefaultValuesTest {

    private static RenderedChart chart;
    private static PodSpec agent;
    private static Container agentContainer;
    private static Container tunnelContainer;
    private static PodSpec controller;
    private static Container controllerContainer;

    @BeforeAll
    static void render() {
        chart = RenderedChart.render();
        agent = chart.one(DaemonSet.class, "ambit-node-agent").getSpec().getTemplate().getSpec();
        agentContainer = container(agent, "node-agent");
        tunnelContainer = container(agent, "tunnel");
        controller = chart.one(Deployment.class, "ambit-controller").getSpec().getTemplate().getSpec();
        controllerContainer = controller.getContainers().get(0);
    }

    @Test
    void everyObjectIsInTheReleaseNamespaceAndLabelled() {
        chart.all().forEach(object -> {
            String namespace = object.getMetadata().getNamespace();
            assertTrue(namespace == null || namespace.equals(RenderedChart.NAMESPACE), object.getMetadata().getName());
            assertEquals("ambit", object.getMetadata().getLabels().get("app.kubernetes.io/part-of"),
                    object.getKind() + " " + object.getMetadata().getName());
        });
    }

    @Test
    void nodePodsRunTheAgentTheTunnelAndTheCniInstallerAsContainersOfOneImage() {
        assertEquals(List.of("node-agent", "tunnel", "install-cni"),
                agent.getContainers().stream().map(Container::getName).toList());
        assertEquals("run", agentContainer.getArgs().get(0));
        assertEquals("tunnel", tunnelContainer.getArgs().get(0));
        assertEquals(agentContainer.getImage(), tunnelContainer.getImage());
        assertEquals(agentContainer.getImage(), container(agent, "install-cni").getImage());
    }

    @Test
    void theCniPluginIsChainedByASidecarWritingOnlyTheHostsCniDirectoriesAndAsksTheAgentsSocket() {
        Container installer = container(agent, "install-cni");
        assertEquals(List.of("install-cni", "--cni-bin-dir=/host/opt/cni/bin", "--cni-conf-dir=/host/etc/cni/net.d",
                "--socket=/var/run/ambit/cni.sock", "--ambient-namespaces-file=/var/lib/ambit/ambient-namespaces",
                "--fail-closed=true", "--timeout-ms=8000"), installer.getArgs());
        Map<String, Volume> volumes = agent.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
        Map<String, String> hostPaths = installer.getVolumeMounts().stream()
                .filter(mount -> volumes.get(mount.getName()).getHostPath() != null)
                .collect(Collectors.toMap(VolumeMount::getMountPath,
                        mount -> volumes.get(mount.getName()).getHostPath().getPath()));
        assertEquals(Map.of("/host/opt/cni/bin", "/opt/cni/bin", "/host/etc/cni/net.d", "/etc/cni/net.d"), hostPaths);
        SecurityContext security = installer.getSecurityContext();
        assertFalse(security.getPrivileged());
        assertEquals(List.of("ALL"), security.getCapabilities().getDrop());
        assertEquals(List.of(), security.getCapabilities().getAdd());
        assertTrue(security.getReadOnlyRootFilesystem());

        VolumeMount run = agentContainer.getVolumeMounts().stream()
                .filter(mount -> mount.getMountPath().equals("/host/run/ambit")).findFirst().orElseThrow();
        assertEquals("/var/run/ambit", volumes.get(run.getName()).getHostPath().getPath(),
                "the agent's socket is where the plugin on the host looks");
        assertTrue(agentContainer.getArgs().contains("--cni-socket=/host/run/ambit/cni.sock"));
        VolumeMount state = agentContainer.getVolumeMounts().stream()
                .filter(mount -> mount.getMountPath().equals("/host/lib/ambit")).findFirst().orElseThrow();
        assertEquals("/var/lib/ambit", volumes.get(state.getName()).getHostPath().getPath(),
                "the list of ambient namespaces is on disk, where the plugin reads it after a reboot");
        assertTrue(agentContainer.getArgs().contains("--ambient-namespaces-file=/host/lib/ambit/ambient-namespaces"));
        assertTrue(agentContainer.getArgs().contains("--cni-enroll-wait=5s"));
    }

    @Test
    void nodeAgentHasOnlyTheCapabilitiesItNeedsAndIsNotPrivileged() {
        SecurityContext security = agentContainer.getSecurityContext();
        assertFalse(security.getPrivileged());
        assertFalse(security.getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), security.getCapabilities().getDrop());
        assertEquals(List.of("BPF", "NET_ADMIN", "SYS_ADMIN", "SYS_RESOURCE"), security.getCapabilities().getAdd());
        assertTrue(security.getReadOnlyRootFilesystem());
        assertEquals("RuntimeDefault", security.getSeccompProfile().getType());
        assertFalse(controllerContainer.getSecurityContext().getPrivileged());
    }

    @Test
    void theTunnelOnlyReadsPinnedMapsSoItHasCapBpfAlone() {
        SecurityContext security = tunnelContainer.getSecurityContext();
        assertFalse(security.getPrivileged());
        assertFalse(security.getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), security.getCapabilities().getDrop());
        assertEquals(List.of("BPF"), security.getCapabilities().getAdd());
        assertEquals(0L, security.getRunAsUser(), "the pins belong to root");
        assertTrue(security.getReadOnlyRootFilesystem());
        assertEquals("RuntimeDefault", security.getSeccompProfile().getType());
    }

    @Test
    void nodeAgentMountsBpffsCgroupRootAndProcFromTheHost() {
        Map<String, VolumeMount> mounts = agentContainer.getVolumeMounts().stream()
                .collect(Collectors.toMap(VolumeMount::getMountPath, mount -> mount));
        Map<String, Volume> volumes = agent.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
        assertEquals("HostToContainer", mounts.get("/sys/fs/bpf").getMountPropagation());
        assertEquals("/sys/fs/bpf", volumes.get(mounts.get("/sys/fs/bpf").getName()).getHostPath().getPath());
        assertEquals("/sys/fs/cgroup", volumes.get(mounts.get("/sys/fs/cgroup").getName()).getHostPath().getPath());
        assertEquals("/proc", volumes.get(mounts.get("/host/proc").getName()).getHostPath().getPath());
        assertTrue(mounts.get("/host/proc").getReadOnly());
        assertEquals("ambit", volumes.get(mounts.get("/var/run/secrets/ambit").getName()).getProjected().getSources()
                .get(0).getServiceAccountToken().getAudience());
        assertEquals("ambit-root-cert", volumes.get(mounts.get("/var/run/ambit").getName()).getConfigMap().getName());
    }

    @Test
    void theTunnelMountsBpffsReadOnlyAndNothingElseOfTheHost() {
        Map<String, VolumeMount> mounts = tunnelContainer.getVolumeMounts().stream()
                .collect(Collectors.toMap(VolumeMount::getMountPath, mount -> mount));
        assertEquals(Set.of("/sys/fs/bpf", "/var/run/secrets/ambit", "/var/run/ambit", "/tmp"), mounts.keySet());
        assertTrue(mounts.get("/sys/fs/bpf").getReadOnly());
        assertEquals("HostToContainer", mounts.get("/sys/fs/bpf").getMountPropagation());
    }

    @Test
    void nodeAgentRunsOnTheHostNetworkOnEveryNodeWithoutAnApiToken() {
        assertTrue(agent.getHostNetwork());
        assertEquals("ClusterFirstWithHostNet", agent.getDnsPolicy());
        assertEquals("Exists", agent.getTolerations().get(0).getOperator());
        assertEquals("ambit-node-agent", agent.getServiceAccountName());
        assertFalse(agent.getAutomountServiceAccountToken());
        assertFalse(chart.one(ServiceAccount.class, "ambit-node-agent").getAutomountServiceAccountToken());
        assertEquals(List.of("ambit-controller"), bindingSubjects(), "only the controller is bound to a role");
    }

    @Test
    void nodePodsProbeEachProcessAndDeclareNoHostPorts() {
        assertEquals(List.of(), agentContainer.getPorts(), "a declared port is a host port on the host network");
        assertEquals(List.of(), tunnelContainer.getPorts(), "and would keep a rollout's new pod off its node");
        assertEquals("/healthz/ready", agentContainer.getReadinessProbe().getHttpGet().getPath());
        assertEquals(15022, agentContainer.getReadinessProbe().getHttpGet().getPort().getIntVal());
        assertEquals(List.of("cat", "/tmp/tunnel-ready"), tunnelContainer.getReadinessProbe().getExec().getCommand(),
                "the tunnel's own ready file: the old pod's tunnel also answers on the shared :15021");
        assertEquals(List.of("cat", "/tmp/tunnel-ready"), tunnelContainer.getStartupProbe().getExec().getCommand());
        assertTrue(tunnelContainer.getArgs().contains("--ready-file=/tmp/tunnel-ready"));
        assertEquals(null, agentContainer.getLivenessProbe());
        assertEquals(null, tunnelContainer.getLivenessProbe(), "a draining tunnel is unready, never killed");
        Map<String, String> annotations = chart.one(DaemonSet.class, "ambit-node-agent").getSpec().getTemplate()
                .getMetadata().getAnnotations();
        assertEquals(Map.of("prometheus.io/scrape", "true", "prometheus.io/port", "15020", "prometheus.io/path",
                "/metrics"), annotations);
    }

    @Test
    void nodePodsRollOutNewBesideOldAndTheTunnelHasTimeToDrain() {
        DaemonSet daemonSet = chart.one(DaemonSet.class, "ambit-node-agent");
        assertEquals("RollingUpdate", daemonSet.getSpec().getUpdateStrategy().getType());
        assertEquals(1, daemonSet.getSpec().getUpdateStrategy().getRollingUpdate().getMaxSurge().getIntVal());
        assertEquals(0, daemonSet.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable().getIntVal());
        assertTrue(tunnelContainer.getArgs().contains("--drain-deadline=30s"));
        assertEquals(45L, agent.getTerminationGracePeriodSeconds());
    }

    @Test
    void nodeAgentFindsTheControllerAndItsTrustBundle() {
        List<String> controlPlane = List.of("--controller=ambit-controller.ambit-system.svc:15010",
                "--ca=ambit-controller.ambit-system.svc:15012", "--trust-domain=cluster.local",
                "--root-namespace=ambit-system", "--token-file=/var/run/secrets/ambit/token",
                "--root-cert=/var/run/ambit/root-cert.pem");
        assertEquals(List.of("run"), agentContainer.getArgs().subList(0, 1));
        assertEquals(controlPlane, agentContainer.getArgs().subList(1, 1 + controlPlane.size()));
        assertEquals(controlPlane, tunnelContainer.getArgs().subList(1, 1 + controlPlane.size()),
                "the tunnel has its own config stream, as the same node agent identity");
        assertEquals(Map.of("NODE_NAME", "spec.nodeName", "NODE_IP", "status.hostIP"), fieldEnv(agentContainer));
        assertEquals(Map.of("NODE_NAME", "spec.nodeName"), fieldEnv(tunnelContainer));
    }

    /**
     * One image, two processes with their own JVM options files (images/jvm/): the agent keeps the image's default
     * (its own file), the tunnel names its file; the controller keeps its image's.
     */
    @Test
    void eachNodeProcessRunsWithItsOwnJvmOptionsFile() {
        assertEquals(Map.of("JDK_JAVA_OPTIONS", "@/opt/ambit/jvm/tunnel.options"), valueEnv(tunnelContainer, "JDK_"));
        assertEquals(Map.of(), valueEnv(agentContainer, "JDK_"), "the agent runs with the image's agent.options");
        assertEquals(Map.of(), valueEnv(controllerContainer, "JDK_"));
    }

    @Test
    void controllerRunsTwoReplicasWithLeaderElectionAndABudget() {
        Deployment deployment = chart.one(Deployment.class, "ambit-controller");
        assertEquals(2, deployment.getSpec().getReplicas());
        assertTrue(controllerContainer.getArgs().containsAll(List.of("--kubernetes", "--leader-election",
                "--lease-name=ambit-controller", "--root-namespace=ambit-system", "--token-audience=ambit",
                "--ca-cert=/etc/ambit/ca/tls.crt", "--ca-key=/etc/ambit/ca/tls.key")));
        assertEquals("metadata.name", controllerContainer.getEnv().stream()
                .filter(env -> env.getName().equals("POD_NAME")).findFirst().orElseThrow()
                .getValueFrom().getFieldRef().getFieldPath(), "the Lease holder's identity");
        PodDisruptionBudget budget = chart.one(PodDisruptionBudget.class, "ambit-controller");
        assertEquals(1, budget.getSpec().getMinAvailable().getIntVal());
        assertEquals(deployment.getSpec().getSelector(), budget.getSpec().getSelector());
        assertNotEquals(null, controller.getAffinity().getPodAntiAffinity(), "replicas spread over nodes");
    }

    @Test
    void controllerIsLockedDownAndProbed() {
        assertTrue(controller.getSecurityContext().getRunAsNonRoot());
        SecurityContext security = controllerContainer.getSecurityContext();
        assertFalse(security.getAllowPrivilegeEscalation());
        assertTrue(security.getReadOnlyRootFilesystem());
        assertEquals(List.of("ALL"), security.getCapabilities().getDrop());
        assertEquals(Map.of("grpc-config", 15010, "grpc-ca", 15012, "http-metrics", 15014), ports(controllerContainer));
        assertEquals("/readyz", controllerContainer.getReadinessProbe().getHttpGet().getPath());
        assertEquals("/healthz", controllerContainer.getLivenessProbe().getHttpGet().getPath());
        assertEquals("ambit-ca", controller.getVolumes().stream().filter(v -> v.getSecret() != null).findFirst()
                .orElseThrow().getSecret().getSecretName());
    }

    @Test
    void controllerServiceExposesConfigCaAndMetrics() {
        Service service = chart.one(Service.class, "ambit-controller");
        assertEquals(Map.of("grpc-config", 15010, "grpc-ca", 15012, "http-metrics", 15014), service.getSpec()
                .getPorts().stream().collect(Collectors.toMap(ServicePort::getName, ServicePort::getPort)));
        assertEquals(chart.one(Deployment.class, "ambit-controller").getSpec().getSelector().getMatchLabels(),
                service.getSpec().getSelector());
    }

    @Test
    void deployedWaypointsUseTheChartsWaypointImage() {
        assertTrue(controllerContainer.getArgs().contains("--waypoint-image=ghcr.io/ambit-mesh/waypoint:0.1.0"));
        assertEquals("ghcr.io/ambit-mesh/controller:0.1.0", controllerContainer.getImage());
        assertEquals("ghcr.io/ambit-mesh/node-agent:0.1.0", agentContainer.getImage());
    }

    @Test
    void dashboardShipsAndMonitorsAreOptIn() {
        assertTrue(chart.all().stream().noneMatch(object -> object.getKind().endsWith("Monitor")));
        assertTrue(chart.one(io.fabric8.kubernetes.api.model.ConfigMap.class, "ambit-dashboard").getData()
                .get("ambit.json").contains("ambit_bpf_enrolled_pods"));
    }

    private static Container container(PodSpec pod, String name) {
        return pod.getContainers().stream().filter(container -> container.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name));
    }

    private static Map<String, String> fieldEnv(Container container) {
        return container.getEnv().stream().filter(env -> env.getValueFrom() != null)
                .collect(Collectors.toMap(env -> env.getName(), env -> env.getValueFrom().getFieldRef().getFieldPath()));
    }

    private static Map<String, String> valueEnv(Container container, String prefix) {
        return container.getEnv().stream().filter(env -> env.getValue() != null && env.getName().startsWith(prefix))
                .collect(Collectors.toMap(env -> env.getName(), env -> env.getValue()));
    }

    private static Map<String, Integer> ports(Container container) {
        return container.getPorts().stream().collect(Collectors.toMap(ContainerPort::getName,
                ContainerPort::getContainerPort));
    }

    private static List<String> bindingSubjects() {
        return chart.all().stream()
                .flatMap(object -> object instanceof ClusterRoleBinding binding ? binding.getSubjects().stream()
                        : object instanceof RoleBinding binding ? binding.getSubjects().stream() : java.util.stream.Stream.empty())
                .map(subject -> subject.getName()).distinct().toList();
    }
}
