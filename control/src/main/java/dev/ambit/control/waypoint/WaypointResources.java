package dev.ambit.control.waypoint;

import dev.ambit.api.model.workload.Workload;
import dev.ambit.control.model.convert.MeshLabels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import java.util.List;
import java.util.Map;

/**
 * What a waypoint {@code Gateway} is deployed as: a ServiceAccount (its identity), a Service (its HBONE address)
 * and a Deployment, all named after the Gateway and owned by it, so Kubernetes garbage-collects them with it even
 * when the controller is down.
 */
final class WaypointResources {

    static final int METRICS_PORT = 15020;
    static final int READINESS_PORT = 15021;
    private static final String MANAGED_BY = "app.kubernetes.io/managed-by";

    private WaypointResources() {
    }

    static List<HasMetadata> of(Gateway gateway, String image) {
        String name = gateway.getMetadata().getName();
        Map<String, String> selector = Map.of(MeshLabels.GATEWAY_NAME, name);
        Map<String, String> podLabels = Map.of(MeshLabels.GATEWAY_NAME, name,
                // The waypoint terminates HBONE itself: its own traffic must not be captured by the node tunnel.
                MeshLabels.DATAPLANE_MODE, MeshLabels.NONE);
        return List.of(
                new ServiceAccountBuilder().withMetadata(metadata(gateway)).build(),
                new ServiceBuilder().withMetadata(metadata(gateway)).withNewSpec().withSelector(selector)
                        .addNewPort().withName("mesh").withPort(Workload.HBONE_PORT)
                        .withTargetPort(new IntOrString(Workload.HBONE_PORT)).withAppProtocol("hbone").endPort()
                        .endSpec().build(),
                new DeploymentBuilder().withMetadata(metadata(gateway)).withNewSpec().withReplicas(1)
                        .withNewSelector().withMatchLabels(selector).endSelector()
                        .withNewTemplate().withNewMetadata().withLabels(podLabels).endMetadata()
                        .withNewSpec().withServiceAccountName(name).withTerminationGracePeriodSeconds(30L)
                        .addNewContainer().withName("waypoint").withImage(image)
                        .withArgs("--gateway", gateway.getMetadata().getNamespace() + "/" + name)
                        .addNewPort().withName("mesh").withContainerPort(Workload.HBONE_PORT).endPort()
                        .addNewPort().withName("metrics").withContainerPort(METRICS_PORT).endPort()
                        .withNewReadinessProbe().withNewHttpGet().withPath("/ready")
                        .withPort(new IntOrString(READINESS_PORT)).endHttpGet().endReadinessProbe()
                        .endContainer().endSpec().endTemplate().endSpec().build());
    }

    private static ObjectMeta metadata(Gateway gateway) {
        return new ObjectMetaBuilder().withName(gateway.getMetadata().getName())
                .withNamespace(gateway.getMetadata().getNamespace())
                .withLabels(Map.of(MeshLabels.GATEWAY_NAME, gateway.getMetadata().getName(), MANAGED_BY, "ambit"))
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(gateway.getApiVersion())
                        .withKind(gateway.getKind()).withName(gateway.getMetadata().getName())
                        .withUid(gateway.getMetadata().getUid()).withController(true).build())
                .build();
    }
}
