package dev.ambit.bench.control;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.Map;

/** The Kubernetes objects the push benchmark feeds the controller's model: only the fields the model reads. */
final class MeshObjects {

    static final String NAMESPACE = "bench";
    static final Map<String, String> APP = Map.of("app", "hello");

    private MeshObjects() {
    }

    static Namespace ambientNamespace() {
        return new NamespaceBuilder().withNewMetadata().withName(NAMESPACE)
                .withLabels(Map.of("ambit.dev/dataplane-mode", "ambient")).endMetadata().build();
    }

    static Node node(int index) {
        return new NodeBuilder().withNewMetadata().withName(nodeName(index)).endMetadata()
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress("10.0.1." + index).endAddress()
                .endStatus().build();
    }

    static Pod pod(int index) {
        String name = "pod-" + index;
        String ip = "10.2." + index / 250 + "." + (index % 250 + 1);
        return new PodBuilder().withNewMetadata().withNamespace(NAMESPACE).withName(name).withUid(NAMESPACE + "-" + name)
                .withLabels(APP).endMetadata()
                .withNewSpec().withNodeName(nodeName(index)).withServiceAccountName("sa-" + index).endSpec()
                .withNewStatus().withPhase("Running").withPodIP(ip).addNewPodIP().withIp(ip).endPodIP().endStatus()
                .build();
    }

    static Service helloService(int port) {
        return new ServiceBuilder().withNewMetadata().withNamespace(NAMESPACE).withName("hello").endMetadata()
                .withNewSpec().withClusterIP("10.96.0.1").withClusterIPs("10.96.0.1").withSelector(APP)
                .addNewPort().withName("http").withPort(port).withTargetPort(new IntOrString(port)).endPort()
                .endSpec().build();
    }

    static String nodeName(int index) {
        return "node-" + index;
    }
}
