package dev.ambit.control;

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

/** Kubernetes objects as tests need them: only the fields the model reads. */
public final class TestObjects {

    private TestObjects() {
    }

    public static Namespace namespace(String name, Map<String, String> labels) {
        return new NamespaceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().build();
    }

    public static Node node(String name, String internalIp) {
        return new NodeBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewStatus().addNewAddress().withType("InternalIP").withAddress(internalIp).endAddress().endStatus()
                .build();
    }

    public static Pod pod(String namespace, String name, String node, String ip, String serviceAccount,
            Map<String, String> labels) {
        return new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name).withUid(namespace + "-" + name)
                .withLabels(labels).endMetadata()
                .withNewSpec().withNodeName(node).withServiceAccountName(serviceAccount).endSpec()
                .withNewStatus().withPhase("Running").withPodIP(ip).addNewPodIP().withIp(ip).endPodIP().endStatus()
                .build();
    }

    public static Service service(String namespace, String name, String clusterIp, Map<String, String> selector,
            int port) {
        return new ServiceBuilder().withNewMetadata().withNamespace(namespace).withName(name).endMetadata()
                .withNewSpec().withClusterIP(clusterIp).withClusterIPs(clusterIp).withSelector(selector)
                .addNewPort().withName("http").withPort(port).withTargetPort(new IntOrString(port)).endPort()
                .endSpec().build();
    }
}
