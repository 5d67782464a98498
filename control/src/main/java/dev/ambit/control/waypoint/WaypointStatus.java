package dev.ambit.control.waypoint;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.control.model.MeshSettings;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import dev.ambit.control.model.convert.GatewayAttachment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddress;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddressBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatusBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteGroupKindBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a waypoint or ingress Gateway's {@code status}: {@code Accepted} (the class is ours), {@code Programmed}
 * (its resources are applied) and its addresses (the Service's hostname, or an ingress gateway's load balancer
 * addresses); for an ingress Gateway also each listener's conditions and attached routes. A condition keeps its
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
        write(gateway, programmed, reason, message, List.of(hostname(gateway)), List.of());
    }

    /** The waypoint Service's hostname, the address a Gateway has when it has no load balancer's. */
    GatewayStatusAddress hostname(Gateway gateway) {
        return new GatewayStatusAddressBuilder().withType("Hostname").withValue(mesh.hostname(
                NamespacedName.of(gateway.getMetadata().getNamespace(), gateway.getMetadata().getName()))).build();
    }

    /**
     * @param listeners per listener of an ingress Gateway: its verdict and how many routes attach to it; empty for
     *                  a waypoint, whose listener status is not written
     */
    void write(Gateway gateway, boolean programmed, String reason, String message,
            List<GatewayStatusAddress> addresses, List<ListenerOutcome> listeners) {
        NamespacedName name = NamespacedName.of(gateway.getMetadata().getNamespace(), gateway.getMetadata().getName());
        String className = gateway.getSpec().getGatewayClassName();
        try {
            Gateway current = client.resources(Gateway.class).inNamespace(name.namespace()).withName(name.name()).get();
            if (current == null) {
                return;
            }
            List<Condition> previous = current.getStatus() == null || current.getStatus().getConditions() == null
                    ? List.of() : current.getStatus().getConditions();
            Long generation = current.getMetadata().getGeneration();
            Map<String, List<Condition>> previousListeners = new HashMap<>();
            if (current.getStatus() != null && current.getStatus().getListeners() != null) {
                current.getStatus().getListeners().forEach(listener -> previousListeners.put(listener.getName(),
                        listener.getConditions() == null ? List.of() : listener.getConditions()));
            }
            current.setStatus(new GatewayStatusBuilder()
                    .withConditions(
                            condition(previous, "Accepted", "True", "Accepted", "a Gateway of class " + className,
                                    generation),
                            condition(previous, "Programmed", programmed ? "True" : "False", reason, message,
                                    generation))
                    .withAddresses(addresses)
                    .withListeners(listeners.isEmpty() ? null : listeners.stream()
                            .map(outcome -> listenerStatus(outcome, programmed,
                                    previousListeners.getOrDefault(outcome.verdict().listener().getName(), List.of()),
                                    generation))
                            .toList())
                    .build());
            // The status is ours alone: a JSON patch that sets all of it, without a resourceVersion, so a concurrent
            // spec edit does not conflict, and lists (conditions, addresses, listeners) are replaced, never merged.
            String patch = "[{\"op\":\"add\",\"path\":\"/status\",\"value\":"
                    + client.getKubernetesSerialization().asJson(current.getStatus()) + "}]";
            client.resources(Gateway.class).inNamespace(name.namespace()).withName(name.name()).subresource("status")
                    .patch(PatchContext.of(PatchType.JSON), patch);
        } catch (KubernetesClientException e) {
            // The next change of the Gateway writes it again.
            log.warn("event=waypoint_status_failed gateway={} error=\"{}\"", name, e.getMessage());
        }
    }

    /** An ingress listener's verdict and the number of routes attached to it. */
    record ListenerOutcome(IngressListeners.Verdict verdict, int attachedRoutes) {
    }

    private static ListenerStatus listenerStatus(ListenerOutcome outcome, boolean programmed,
            List<Condition> previous, Long generation) {
        IngressListeners.Verdict verdict = outcome.verdict();
        boolean served = verdict.served() && programmed;
        return new ListenerStatusBuilder().withName(verdict.listener().getName())
                .withAttachedRoutes(outcome.attachedRoutes())
                .withSupportedKinds(verdict.accepted() ? List.of(new RouteGroupKindBuilder()
                        .withGroup(GatewayAttachment.GATEWAY_GROUP).withKind("HTTPRoute").build()) : List.of())
                .withConditions(
                        condition(previous, "Accepted", verdict.accepted() ? "True" : "False",
                                verdict.acceptedReason(), verdict.message(), generation),
                        condition(previous, "ResolvedRefs", verdict.resolved() ? "True" : "False",
                                verdict.resolvedReason(), verdict.message(), generation),
                        condition(previous, "Programmed", served ? "True" : "False",
                                served ? "Programmed" : verdict.served() ? "Pending" : "Invalid", verdict.message(),
                                generation))
                .build();
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
