package dev.ambit.cli;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Objects of an installed mesh, as the API server would hold them, for the CLI's tests. */
public final class MeshFixtures {

    private MeshFixtures() {
    }

    public static void node(KubernetesClient client, String name) {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build()).create();
    }

    /** A node agent pod on {@code node}, ready or not (status written like the kubelet does, separately). */
    public static Pod agent(KubernetesClient client, String node, boolean ready) {
        Pod pod = client.pods().inNamespace(KubernetesCluster.DEFAULT_MESH_NAMESPACE).resource(new PodBuilder()
                .withNewMetadata().withName("ambit-node-agent-" + node).addToLabels(MeshNames.NAME_LABEL,
                        MeshNames.NODE_AGENT).endMetadata()
                .withNewSpec().withNodeName(node).endSpec().build()).create();
        pod.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder().addNewCondition().withType("Ready")
                .withStatus(ready ? "True" : "False").endCondition().build());
        return client.resource(pod).updateStatus();
    }

    /** A CRD named {@code plural.group}, served as v1. */
    public static void crd(KubernetesClient client, String name) {
        String plural = name.substring(0, name.indexOf('.'));
        client.apiextensions().v1().customResourceDefinitions().resource(new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec().withGroup(name.substring(plural.length() + 1)).withScope("Namespaced")
                .withNewNames().withPlural(plural).withKind(plural).endNames()
                .addNewVersion().withName("v1").withServed(true).withStorage(true).endVersion()
                .endSpec().build()).create();
    }
}
