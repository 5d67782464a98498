package dev.ambit.waypoint.proxy;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.ServicePort;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.waypoint.route.ServiceKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the service a request is for: by the address the client connected to (the HBONE CONNECT target, a service
 * VIP and port), else by its {@code Host} (the service hostname, or {@code name.namespace[.svc]}).
 */
public final class ServiceDirectory {

    private final Map<InetSocketAddress, ServiceKey> byVip = new HashMap<>();
    private final Map<String, MeshService> byHost = new HashMap<>();
    private final Map<NamespacedName, MeshService> byName = new HashMap<>();
    private final Map<String, Workload> workloadsByUid = new HashMap<>();
    private final Map<SpiffeId, Workload> workloadsByIdentity = new HashMap<>();

    ServiceDirectory(List<MeshService> services, List<Workload> workloads) {
        for (MeshService service : services) {
            byName.put(service.name(), service);
            byHost.put(service.hostname().toLowerCase(Locale.ROOT), service);
            String shortName = service.name().name() + "." + service.name().namespace();
            byHost.putIfAbsent(shortName, service);
            byHost.putIfAbsent(shortName + ".svc", service);
            for (InetAddress vip : service.vips()) {
                for (ServicePort port : service.ports()) {
                    byVip.put(new InetSocketAddress(vip, port.port()), new ServiceKey(service.name(), port.port()));
                }
            }
        }
        for (Workload workload : workloads) {
            workloadsByUid.put(workload.uid(), workload);
            workloadsByIdentity.putIfAbsent(workload.identity(), workload);
        }
    }

    public Optional<ServiceKey> resolve(Optional<InetSocketAddress> destination, String host) {
        if (destination.isPresent()) {
            ServiceKey byAddress = byVip.get(destination.get());
            if (byAddress != null) {
                return Optional.of(byAddress);
            }
        }
        if (host == null) {
            return Optional.empty();
        }
        HostAndPort authority = HostAndPort.parse(host);
        MeshService service = byHost.get(authority.host().toLowerCase(Locale.ROOT));
        if (service == null || service.ports().isEmpty()) {
            return Optional.empty();
        }
        int port = authority.port() > 0 ? authority.port()
                : destination.map(InetSocketAddress::getPort).filter(p -> service.port(p).isPresent())
                        .orElseGet(() -> service.port(80).map(ServicePort::port)
                                .orElse(service.ports().get(0).port()));
        return service.port(port).isPresent() ? Optional.of(new ServiceKey(service.name(), port)) : Optional.empty();
    }

    public Optional<MeshService> service(NamespacedName name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Optional<Workload> workload(String uid) {
        return Optional.ofNullable(workloadsByUid.get(uid));
    }

    /** A workload running as {@code identity}, for metrics labels; any one when several share it. */
    public Optional<Workload> workloadOf(SpiffeId identity) {
        return Optional.ofNullable(workloadsByIdentity.get(identity));
    }
}
