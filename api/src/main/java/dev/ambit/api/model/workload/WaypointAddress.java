package dev.ambit.api.model.workload;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.api.model.FieldValidator;
import java.net.InetAddress;
import java.util.Optional;

/**
 * The waypoint that applies L7 policy to traffic for a workload or a service: either the waypoint service's
 * hostname (resolved through the mesh's own service table, never DNS) or an address; exactly one is set.
 */
public record WaypointAddress(Optional<String> hostname, Optional<InetAddress> address, int port) {

    public WaypointAddress {
        FieldValidator v = FieldValidator.of("WaypointAddress");
        hostname = v.optional(hostname);
        address = v.optional(address);
        v.check(hostname.isPresent() != address.isPresent(), "hostname", "exactly one of hostname and address must be set");
        hostname.ifPresent(name -> v.dnsSubdomain("hostname", name));
        address.ifPresent(ip -> v.address("address", ip));
        v.port("port", port);
    }

    public static WaypointAddress hostname(String hostname) {
        return new WaypointAddress(Optional.of(hostname), Optional.empty(), MeshPorts.HBONE);
    }

    public static WaypointAddress address(InetAddress address) {
        return new WaypointAddress(Optional.empty(), Optional.of(address), MeshPorts.HBONE);
    }
}
