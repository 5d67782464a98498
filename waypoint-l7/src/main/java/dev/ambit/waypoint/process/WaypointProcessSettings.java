package dev.ambit.waypoint.process;

import dev.ambit.api.mesh.TracingSettings;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.runtime.controlplane.ControlPlaneSettings;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * How one waypoint runs; every field is a {@code waypoint} flag (see docs/waypoint.md).
 *
 * @param gateway the Gateway this waypoint implements; its ServiceAccount (same name) is the waypoint's identity
 * @param tracing where request spans go, from the controller that deployed the waypoint (docs/tracing.md)
 * @param ingress the listeners of an ingress Gateway (docs/ingress.md); empty for a waypoint, which serves HBONE
 */
public record WaypointProcessSettings(
        NamespacedName gateway,
        String nodeName,
        InetAddress listenAddress,
        ControlPlaneSettings controlPlane,
        TracingSettings tracing,
        Optional<List<IngressListenerSpec>> ingress) {

    /** A waypoint. */
    public WaypointProcessSettings(NamespacedName gateway, String nodeName, InetAddress listenAddress,
            ControlPlaneSettings controlPlane, TracingSettings tracing) {
        this(gateway, nodeName, listenAddress, controlPlane, tracing, Optional.empty());
    }
}
