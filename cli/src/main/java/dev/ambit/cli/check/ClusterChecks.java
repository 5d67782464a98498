package dev.ambit.cli.check;

import dev.ambit.cli.KubernetesCluster;
import dev.ambit.cli.MeshNames;
import dev.ambit.cli.agent.AgentPods;
import dev.ambit.host.preflight.CheckResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.VersionInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** What a cluster must have for the mesh to work, each requirement checked on its own. */
final class ClusterChecks {

    /** The chart's kubeVersion. */
    private static final int MIN_MINOR = 26;
    private static final Pattern DIGITS = Pattern.compile("^(\\d+)");

    private final KubernetesCluster cluster;

    ClusterChecks(KubernetesCluster cluster) {
        this.cluster = cluster;
    }

    List<CheckResult> run() {
        List<CheckResult> results = new ArrayList<>();
        results.add(kubernetesVersion());
        Set<String> crds = cluster.client().apiextensions().v1().customResourceDefinitions().list().getItems()
                .stream().map(crd -> crd.getMetadata().getName()).collect(Collectors.toSet());
        results.add(crds("Ambit CRDs", MeshNames.AMBIT_CRDS, crds, "install Ambit: ambit install"));
        results.add(crds("Gateway API CRDs (waypoints)", MeshNames.GATEWAY_API_CRDS, crds,
                "install the Gateway API standard CRDs (v1.1 or newer) for waypoints and HTTPRoutes"));
        results.add(controller());
        results.addAll(nodeAgents());
        return results;
    }

    private CheckResult kubernetesVersion() {
        VersionInfo version = cluster.client().getKubernetesVersion();
        String found = version.getGitVersion() != null ? version.getGitVersion()
                : version.getMajor() + "." + version.getMinor();
        String requirement = "Kubernetes >= 1." + MIN_MINOR;
        int major = leadingNumber(version.getMajor());
        int minor = leadingNumber(version.getMinor());
        return major > 1 || (major == 1 && minor >= MIN_MINOR) ? pass(requirement, found)
                : fail(requirement, found, "upgrade the cluster to Kubernetes 1." + MIN_MINOR + " or newer");
    }

    private static CheckResult crds(String requirement, List<String> wanted, Set<String> present, String fix) {
        List<String> missing = wanted.stream().filter(name -> !present.contains(name)).toList();
        return missing.isEmpty() ? pass(requirement, String.join(", ", wanted))
                : fail(requirement, "missing " + String.join(", ", missing), fix);
    }

    private CheckResult controller() {
        String requirement = "controller";
        Deployment deployment = cluster.client().apps().deployments().inNamespace(cluster.meshNamespace())
                .withName(MeshNames.CONTROLLER).get();
        if (deployment == null) {
            return fail(requirement, "no Deployment " + MeshNames.CONTROLLER + " in " + cluster.meshNamespace(),
                    "install Ambit: ambit install");
        }
        int ready = deployment.getStatus() == null || deployment.getStatus().getReadyReplicas() == null ? 0
                : deployment.getStatus().getReadyReplicas();
        String detail = ready + "/" + deployment.getSpec().getReplicas() + " replicas ready";
        return ready > 0 ? pass(requirement, detail)
                : fail(requirement, detail, "kubectl -n " + cluster.meshNamespace() + " describe deployment "
                        + MeshNames.CONTROLLER);
    }

    private List<CheckResult> nodeAgents() {
        Map<String, Pod> agents = AgentPods.byNode(cluster);
        List<CheckResult> results = new ArrayList<>();
        for (Node node : cluster.client().nodes().list().getItems()) {
            String name = node.getMetadata().getName();
            String requirement = "node agent on " + name;
            Pod agent = agents.get(name);
            if (agent == null) {
                results.add(fail(requirement, "none scheduled", "kubectl -n " + cluster.meshNamespace()
                        + " describe daemonset " + MeshNames.NODE_AGENT + " (taints, node selector?)"));
            } else if (AgentPods.isReady(agent)) {
                results.add(pass(requirement, "ready (" + name(agent) + ")"));
            } else {
                results.add(fail(requirement, "not ready (" + name(agent) + ")", "kubectl -n "
                        + cluster.meshNamespace() + " logs " + name(agent) + "; on the node: ambit check --node"));
            }
        }
        return results;
    }

    private static int leadingNumber(String text) {
        Matcher digits = DIGITS.matcher(text == null ? "" : text);
        return digits.find() ? Integer.parseInt(digits.group(1)) : 0;
    }

    private static String name(HasMetadata object) {
        return object.getMetadata().getName();
    }

    private static CheckResult pass(String requirement, String detail) {
        return new CheckResult(requirement, true, detail, "");
    }

    private static CheckResult fail(String requirement, String detail, String fix) {
        return new CheckResult(requirement, false, detail, fix);
    }
}
