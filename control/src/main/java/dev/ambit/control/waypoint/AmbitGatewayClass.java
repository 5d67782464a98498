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
 * Makes sure one of Ambit's {@code GatewayClass}es ({@value MeshLabels#WAYPOINT_CLASS},
 * {@value MeshLabels#INGRESS_CLASS}) exists, names this controller, and says it is {@code Accepted}, as Istio's
 * controller does for {@code istio-waypoint}: users (and tools such as {@code kubectl get gatewayclass}) see which
 * controller serves those Gateways. Done by the leader at start; without the Gateway API CRDs it logs why and does
 * nothing (Gateways cannot be declared there anyway).
 */
final class AmbitGatewayClass {

    static final String WAYPOINT_CONTROLLER = "ambit.dev/waypoint-controller";
    static final String INGRESS_CONTROLLER = "ambit.dev/ingress-controller";
    private static final Logger log = LoggerFactory.getLogger(AmbitGatewayClass.class);

    private final KubernetesClient client;
    private final String name;
    private final String controllerName;
    private final String description;

    AmbitGatewayClass(KubernetesClient client, String name, String controllerName, String description) {
        this.client = client;
        this.name = name;
        this.controllerName = controllerName;
        this.description = description;
    }

    void ensure() {
        try {
            GatewayClass current = client.resources(GatewayClass.class).withName(name).get();
            if (current == null) {
                current = client.resource(new GatewayClassBuilder()
                        .withNewMetadata().withName(name)
                        .addToLabels("app.kubernetes.io/managed-by", "ambit").endMetadata()
                        .withNewSpec().withControllerName(controllerName)
                        .withDescription(description).endSpec()
                        .build()).create();
                log.info("event=gateway_class_created name={} controller={}", name,
                        controllerName);
            }
            if (!controllerName.equals(current.getSpec().getControllerName())) {
                // controllerName is immutable: someone else's class of that name is theirs to keep.
                log.warn("event=gateway_class_foreign name={} controller={} expected={}", name,
                        current.getSpec().getControllerName(), controllerName);
                return;
            }
            accept(current);
        } catch (KubernetesClientException e) {
            if (e.getCode() == HttpURLConnection.HTTP_NOT_FOUND) {
                log.warn("event=gateway_class_skipped reason=\"Gateway API CRDs (gateway.networking.k8s.io/v1) are"
                        + " not installed\"");
            } else {
                log.warn("event=gateway_class_failed name={} error=\"{}\"", name, e.getMessage());
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
                .withMessage("served by " + controllerName)
                .withObservedGeneration(current.getMetadata().getGeneration())
                .withLastTransitionTime(Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()).build()).build());
        current.getMetadata().setResourceVersion(null);
        client.resource(current).patchStatus();
        log.info("event=gateway_class_accepted name={}", name);
    }
}
