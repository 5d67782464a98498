package dev.ambit.waypoint.process;

import dev.ambit.api.mesh.TracingSettings;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.runtime.controlplane.ControlPlaneSettings;
import java.net.InetAddress;

/**
 * How one waypoint runs; every field is a {@code waypoint} flag (see docs/waypoint.md).
 *
 * @param gateway the Gateway this waypoint implements; its ServiceAccount (same name) is the waypoint's identity
 * @param tracing where request spans go, from the controller that deployed the waypoint (docs/tracing.md)
 */
public record WaypointProcessSettings(
        NamespacedName gateway,
        String nodeName,
        InetAddress listenAddress,
        ControlPlaneSettings controlPlane,
        TracingSettings tracing) {
}
