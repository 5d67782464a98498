package dev.ambit.api.model.workload;

import dev.ambit.api.model.FieldValidator;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.NamespacedResource;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A service as the data plane sees it: the virtual addresses clients connect to and the endpoints behind them.
 *
 * @param hostname  its DNS name, e.g. {@code hello.demo.svc.cluster.local}; routes and waypoints refer to it
 * @param vips      the cluster IPs; empty for a headless service
 * @param waypoint  where traffic addressed to this service goes first for L7 policy, if anywhere
 */
public record MeshService(
        NamespacedName name,
        String hostname,
        List<InetAddress> vips,
        List<ServicePort> ports,
        List<Endpoint> endpoints,
        Optional<WaypointAddress> waypoint,
        Map<String, String> labels) implements NamespacedResource {

    public MeshService {
        FieldValidator v = FieldValidator.of("Service", name);
        v.required("name", name);
        v.dnsSubdomain("hostname", hostname);
        vips = v.addresses("vips", vips);
        ports = v.list("ports", ports);
        checkPorts(v, ports);
        endpoints = v.list("endpoints", endpoints);
        Set<Integer> portNumbers = new HashSet<>();
        ports.forEach(port -> portNumbers.add(port.port()));
        for (int i = 0; i < endpoints.size(); i++) {
            for (int servicePort : endpoints.get(i).ports().keySet()) {
                v.check(portNumbers.contains(servicePort), FieldValidator.index("endpoints", i) + ".ports",
                        servicePort + " is not a port of the service");
            }
        }
        waypoint = v.optional(waypoint);
        labels = v.labels("labels", labels);
    }

    /** The port with this number, if the service has one. */
    public Optional<ServicePort> port(int number) {
        // A loop, not a stream: the waypoint asks for every request.
        for (ServicePort port : ports) {
            if (port.port() == number) {
                return Optional.of(port);
            }
        }
        return Optional.empty();
    }

    /** Kubernetes' rules: port numbers are unique, and names are unique and required once there are two ports. */
    private static void checkPorts(FieldValidator v, List<ServicePort> ports) {
        Set<Integer> numbers = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            ServicePort port = ports.get(i);
            String field = FieldValidator.index("ports", i);
            v.check(numbers.add(port.port()), field + ".port", port.port() + " is listed twice");
            v.check(ports.size() == 1 || !port.name().isEmpty(), field + ".name",
                    "is required when a service has more than one port");
            v.check(port.name().isEmpty() || names.add(port.name()), field + ".name",
                    "'" + port.name() + "' is listed twice");
        }
    }
}
