package dev.ambit.control.waypoint;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.control.model.MeshSettings;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddressBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a waypoint Gateway's {@code status}: {@code Accepted} (the class is ours), {@code Programmed} (its
 * resources are applied) and its address, the waypoint Service's hostname. A condition keeps its
 * {@code lastTransitionTime} while its status stays the same, as the Gateway API asks.
 */
final class WaypointStatus {

    private static final Logger log = LoggerFactory.getLogger(WaypointStatus.class);

    private final KubernetesClient client;
    private final MeshSettings mesh;

    WaypointStatus(KubernetesClient client, MeshSettings mesh) {
        this.client = client;
        this.mesh = mesh;
    }

    void write(Gateway gateway, boolean programmed, String reason, String message) {
        NamespacedName name = NamespacedName.of(gateway.getMetadata().getNamespace(), gateway.getMetadata().getName());
        try {
            Gateway current = client.resources(Gateway.class).inNamespace(name.namespace()).withName(name.name()).get();
            if (current == null) {
                return;
            }
            List<Condition> previous = current.getStatus() == null || current.getStatus().getConditions() == null
                    ? List.of() : current.getStatus().getConditions();
            Long generation = current.getMetadata().getGeneration();
            current.setStatus(new GatewayStatusBuilder()
                    .withConditions(
                            condition(previous, "Accepted", "True", "Accepted", "a waypoint of class ambit-waypoint",
                                    generation),
                            condition(previous, "Programmed", programmed ? "True" : "False", reason, message,
                                    generation))
                    .withAddresses(new GatewayStatusAddressBuilder().withType("Hostname")
                            .withValue(mesh.hostname(name)).build())
                    .build());
            // The status is ours alone: no resourceVersion, so that a concurrent spec edit does not conflict.
            current.getMetadata().setResourceVersion(null);
            client.resource(current).patchStatus();
        } catch (KubernetesClientException e) {
            // The next change of the Gateway writes it again.
            log.warn("event=waypoint_status_failed gateway={} error=\"{}\"", name, e.getMessage());
        }
    }

    private static Condition condition(List<Condition> previous, String type, String status, String reason,
            String message, Long generation) {
        String since = previous.stream()
                .filter(condition -> type.equals(condition.getType()) && status.equals(condition.getStatus()))
                .map(Condition::getLastTransitionTime).findFirst()
                .orElseGet(() -> Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withObservedGeneration(generation).withLastTransitionTime(since).build();
    }
}
