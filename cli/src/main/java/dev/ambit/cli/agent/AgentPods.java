package dev.ambit.cli.agent;

import dev.ambit.cli.KubernetesCluster;
import dev.ambit.cli.MeshNames;
import dev.ambit.cli.UserException;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The node agent pods of the mesh, by node. */
public final class AgentPods {

    private AgentPods() {
    }

    /** Every node agent pod that is scheduled, keyed (sorted) by its node. */
    public static Map<String, Pod> byNode(KubernetesCluster cluster) {
        Map<String, Pod> pods = new TreeMap<>();
        cluster.client().pods().inNamespace(cluster.meshNamespace())
                .withLabel(MeshNames.NAME_LABEL, MeshNames.NODE_AGENT).list().getItems().stream()
                .filter(pod -> pod.getSpec() != null && pod.getSpec().getNodeName() != null)
                .forEach(pod -> pods.put(pod.getSpec().getNodeName(), pod));
        return pods;
    }

    /** The agent pod on {@code node}, or a plain error naming the nodes that have one. */
    public static Pod onNode(KubernetesCluster cluster, String node) {
        Map<String, Pod> pods = byNode(cluster);
        return Optional.ofNullable(pods.get(node)).orElseThrow(() -> new UserException(pods.isEmpty()
                ? "no node agent pods in namespace " + cluster.meshNamespace() + ": is Ambit installed (ambit install)?"
                : "no node agent runs on node " + node + "; nodes with one: " + String.join(", ", pods.keySet())));
    }

    public static boolean isReady(Pod pod) {
        return pod.getStatus() != null && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(condition -> "Ready".equals(condition.getType()) && "True".equals(condition.getStatus()));
    }
}
