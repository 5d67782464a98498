package dev.ambit.ztunnel.outbound;

import dev.ambit.api.model.workload.DataplaneMode;
import dev.ambit.api.model.workload.Endpoint;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.ServicePort;
import dev.ambit.api.model.workload.WaypointAddress;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.ztunnel.config.TunnelConfig;
import dev.ambit.runtime.hbone.HboneKey;
import dev.ambit.runtime.transport.FailureReason;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Decides where an outbound connection goes from its original destination: a service VIP is load-balanced to an
 * endpoint (or sent to the service's waypoint), a workload address goes to that workload (or its waypoint); mesh
 * destinations are reached over HBONE through their node's tunnel, everything else by plain TCP.
 */
public final class OutboundResolver {

    private final EndpointPicker picker;

    public OutboundResolver(EndpointPicker picker) {
        this.picker = picker;
    }

    public OutboundRoute resolve(InetSocketAddress client, InetSocketAddress original, TunnelConfig config) {
        Optional<Workload> source = config.workload(client.getAddress());
        Optional<MeshService> service = config.service(original.getAddress());
        if (service.isPresent()) {
            return toService(source, service.get(), original, config);
        }
        return config.workload(original.getAddress())
                .map(destination -> toWorkload(source, destination, original, config))
                .orElseGet(() -> new OutboundRoute.Passthrough(original, source, Optional.empty()));
    }

    private OutboundRoute toService(Optional<Workload> source, MeshService service, InetSocketAddress original,
            TunnelConfig config) {
        Optional<ServicePort> port = service.port(original.getPort());
        if (port.isEmpty()) {
            return new OutboundRoute.Passthrough(original, source, Optional.empty());
        }
        if (service.waypoint().isPresent() && !isWaypoint(source, service.waypoint().get(), config)) {
            return toWaypoint(source, service.waypoint().get(), original, config);
        }
        Optional<Endpoint> endpoint = picker.pick(service, config.loadBalancer(service, port.get().port()),
                original.getAddress());
        if (endpoint.isEmpty()) {
            return new OutboundRoute.Refused(FailureReason.UNKNOWN_DESTINATION,
                    "service " + service.name() + " has no endpoints");
        }
        InetSocketAddress target = new InetSocketAddress(endpoint.get().address(),
                endpoint.get().ports().getOrDefault(port.get().port(), port.get().targetPort()));
        Optional<Workload> destination = config.workloadByUid(endpoint.get().workloadUid());
        if (destination.isPresent() && destination.get().dataplaneMode() == DataplaneMode.AMBIENT) {
            return tunnel(source, destination.get(), target);
        }
        return new OutboundRoute.Passthrough(target, source, destination);
    }

    private OutboundRoute toWorkload(Optional<Workload> source, Workload destination, InetSocketAddress original,
            TunnelConfig config) {
        if (destination.waypoint().isPresent() && !isWaypoint(source, destination.waypoint().get(), config)) {
            return toWaypoint(source, destination.waypoint().get(), original, config);
        }
        if (destination.dataplaneMode() == DataplaneMode.AMBIENT) {
            return tunnel(source, destination, original);
        }
        return new OutboundRoute.Passthrough(original, source, Optional.of(destination));
    }

    private static OutboundRoute tunnel(Optional<Workload> source, Workload destination, InetSocketAddress target) {
        if (source.isEmpty()) {
            return unknownSource(target);
        }
        HboneKey key = new HboneKey(source.get().identity(),
                destination.tunnelFor(target.getAddress()).orElseThrow(), destination.identity());
        return new OutboundRoute.Tunnel(key, target, source.get(), Optional.of(destination));
    }

    /** The waypoint gets the original destination as CONNECT authority and does its own routing. */
    private OutboundRoute toWaypoint(Optional<Workload> source, WaypointAddress waypoint, InetSocketAddress original,
            TunnelConfig config) {
        if (source.isEmpty()) {
            return unknownSource(original);
        }
        Optional<Workload> instance = waypointInstance(waypoint, original, config);
        if (instance.isEmpty() || instance.get().addresses().isEmpty()) {
            return new OutboundRoute.Refused(FailureReason.UNKNOWN_DESTINATION, "waypoint " + waypoint + " not found");
        }
        // In the original destination's family when the waypoint has one: an IPv6 connection stays IPv6 to it.
        InetSocketAddress address = new InetSocketAddress(waypoint.address()
                .orElseGet(() -> instance.get().addressInFamilyOf(original.getAddress())
                        .orElse(instance.get().addresses().get(0))), waypoint.port());
        HboneKey key = new HboneKey(source.get().identity(), address, instance.get().identity());
        return new OutboundRoute.Tunnel(key, original, source.get(), Optional.empty());
    }

    private Optional<Workload> waypointInstance(WaypointAddress waypoint, InetSocketAddress original,
            TunnelConfig config) {
        if (waypoint.address().isPresent()) {
            return config.workload(waypoint.address().get());
        }
        return config.serviceByHostname(waypoint.hostname().orElseThrow())
                .flatMap(service -> picker.pick(service, config.loadBalancer(service, waypoint.port()),
                        original.getAddress()))
                .flatMap(endpoint -> config.workloadByUid(endpoint.workloadUid()));
    }

    /** Traffic a waypoint sends on goes to its destination, not back into a waypoint. */
    private static boolean isWaypoint(Optional<Workload> source, WaypointAddress waypoint, TunnelConfig config) {
        if (source.isEmpty()) {
            return false;
        }
        Workload workload = source.get();
        return waypoint.address().map(workload.addresses()::contains)
                .orElseGet(() -> config.serviceByHostname(waypoint.hostname().orElseThrow())
                        .map(service -> service.endpoints().stream()
                                .anyMatch(endpoint -> endpoint.workloadUid().equals(workload.uid())))
                        .orElse(false));
    }

    private static OutboundRoute unknownSource(InetSocketAddress target) {
        return new OutboundRoute.Refused(FailureReason.UNKNOWN_SOURCE,
                "the client is not a mesh workload, so it has no identity to tunnel to " + target + " with");
    }
}
