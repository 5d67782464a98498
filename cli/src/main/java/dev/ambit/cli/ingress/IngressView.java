package dev.ambit.cli.ingress;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddress;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerStatus;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One line of {@code ambit ingress list}: what the controller wrote into the Gateway's status, with each listener's
 * attached routes, or why it is not served.
 */
record IngressView(String namespace, String name, String programmed, String address, String listeners) {

    static IngressView of(Gateway gateway) {
        GatewayStatus status = gateway.getStatus();
        String address = status == null || status.getAddresses() == null ? ""
                : status.getAddresses().stream().map(GatewayStatusAddress::getValue).filter(Objects::nonNull)
                        .collect(Collectors.joining(","));
        String listeners = status == null || status.getListeners() == null ? ""
                : status.getListeners().stream().map(IngressView::listener).collect(Collectors.joining(" "));
        return new IngressView(gateway.getMetadata().getNamespace(), gateway.getMetadata().getName(),
                programmed(status == null ? null : status.getConditions()), address.isEmpty() ? "-" : address,
                listeners.isEmpty() ? "-" : listeners);
    }

    /** {@code name(routes)} when programmed, else {@code name(Reason)}. */
    private static String listener(ListenerStatus listener) {
        String programmed = programmed(listener.getConditions());
        return listener.getName() + "(" + ("True".equals(programmed) ? String.valueOf(listener.getAttachedRoutes())
                : listener.getConditions().stream().filter(condition -> "False".equals(condition.getStatus()))
                        .map(Condition::getReason).findFirst().orElse("?")) + ")";
    }

    private static String programmed(List<Condition> conditions) {
        return (conditions == null ? List.<Condition>of() : conditions).stream()
                .filter(condition -> "Programmed".equals(condition.getType()))
                .map(condition -> "True".equals(condition.getStatus()) ? "True"
                        : condition.getStatus() + " (" + condition.getReason() + ")")
                .findFirst().orElse("Unknown");
    }
}
