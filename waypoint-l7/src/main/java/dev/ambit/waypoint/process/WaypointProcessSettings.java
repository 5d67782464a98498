package dev.ambit.waypoint.process;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.ztunnel.controlplane.ControllerAddress;
import java.net.InetAddress;
import java.nio.file.Path;

/**
 * How one waypoint runs; every field is a {@code waypoint} flag (see docs/waypoint.md).
 *
 * @param gateway the Gateway this waypoint implements; its ServiceAccount (same name) is the waypoint's identity
 */
public record WaypointProcessSettings(
        NamespacedName gateway,
        String nodeName,
        InetAddress listenAddress,
        ControllerAddress controller,
        ControllerAddress ca,
        Path tokenFile,
        Path rootCert,
        String trustDomain,
        String rootNamespace) {
}
