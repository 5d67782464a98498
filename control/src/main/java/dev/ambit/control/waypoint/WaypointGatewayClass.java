package dev.ambit.control.waypoint;

import dev.ambit.api.mesh.MeshLabels;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClass;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayClassStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the {@code GatewayClass} {@value MeshLabels#WAYPOINT_CLASS} exists, names this controller, and says
 * it is {@code Accepted}, as Istio's controller does for {@code istio-waypoint}: users (and tools such as
 * {@code kubectl get gatewayclass}) see which controller serves waypoint Gateways. Done by the leader at start;
 * without the Gateway API CRDs it logs why and does nothing (waypoints cannot be declared there anyway).
 */
final class WaypointGatewayClass {

    static final String CONTROLLER_NAME = "ambit.dev/waypoint-controller";
    private static final Logger log = LoggerFactory.getLogger(WaypointGatewayClass.class);

    private final KubernetesClient client;

    WaypointGatewayClass(KubernetesClient client) {
        this.client = client;
    }

    void ensure() {
        try {
            GatewayClass current = client.resources(GatewayClass.class).withName(MeshLabels.WAYPOINT_CLASS).get();
            if (current == null) {
                current = client.resource(new GatewayClassBuilder()
                        .withNewMetadata().withName(MeshLabels.WAYPOINT_CLASS)
                        .addToLabels("app.kubernetes.io/managed-by", "ambit").endMetadata()
                        .withNewSpec().withControllerName(CONTROLLER_NAME)
                        .withDescription("Ambit waypoints: per-service L7 proxies of the ambient mesh").endSpec()
                        .build()).create();
                log.info("event=gateway_class_created name={} controller={}", MeshLabels.WAYPOINT_CLASS,
                        CONTROLLER_NAME);
            }
            if (!CONTROLLER_NAME.equals(current.getSpec().getControllerName())) {
                // controllerName is immutable: someone else's class of that name is theirs to keep.
                log.warn("event=gateway_class_foreign name={} controller={} expected={}", MeshLabels.WAYPOINT_CLASS,
                        current.getSpec().getControllerName(), CONTROLLER_NAME);
                return;
            }
            accept(current);
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                log.warn("event=gateway_class_skipped reason=\"Gateway API CRDs (gateway.networking.k8s.io/v1) are"
                        + " not installed\"");
            } else {
                log.warn("event=gateway_class_failed name={} error=\"{}\"", MeshLabels.WAYPOINT_CLASS, e.getMessage());
            }
        }
    }

    private void accept(GatewayClass current) {
        boolean accepted = current.getStatus() != null && current.getStatus().getConditions() != null
                && current.getStatus().getConditions().stream().anyMatch(condition ->
                        "Accepted".equals(condition.getType()) && "True".equals(condition.getStatus())
                                && current.getMetadata().getGeneration() != null
                                && current.getMetadata().getGeneration().equals(condition.getObservedGeneration()));
        if (accepted) {
            return;
        }
        current.setStatus(new GatewayClassStatusBuilder().withConditions(new ConditionBuilder()
                .withType("Accepted").withStatus("True").withReason("Accepted")
                .withMessage("served by " + CONTROLLER_NAME)
                .withObservedGeneration(current.getMetadata().getGeneration())
                .withLastTransitionTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()).build()).build());
        current.getMetadata().setResourceVersion(null);
        client.resource(current).patchStatus();
        log.info("event=gateway_class_accepted name={}", MeshLabels.WAYPOINT_CLASS);
    }
}
