package dev.ambit.cli.waypoint;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatus;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddress;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** One line of {@code ambit waypoint list}: what the controller wrote into the Gateway's status. */
record WaypointView(String namespace, String name, String programmed, String address) {

    static WaypointView of(Gateway gateway) {
        GatewayStatus status = gateway.getStatus();
        List<Condition> conditions = status == null || status.getConditions() == null ? List.of() : status.getConditions();
        String programmed = conditions.stream().filter(condition -> "Programmed".equals(condition.getType()))
                .map(condition -> "True".equals(condition.getStatus()) ? "True"
                        : condition.getStatus() + " (" + condition.getReason() + ")")
                .findFirst().orElse("Unknown");
        String address = status == null || status.getAddresses() == null ? "-"
                : status.getAddresses().stream().map(GatewayStatusAddress::getValue).filter(Objects::nonNull)
                        .collect(Collectors.joining(","));
        return new WaypointView(gateway.getMetadata().getNamespace(), gateway.getMetadata().getName(), programmed,
                address.isEmpty() ? "-" : address);
    }
}
