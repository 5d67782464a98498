package dev.ambit.control.model.convert;

import dev.ambit.api.model.InvalidConfigException;
import static dev.ambit.api.model.ConfigPath.at;
import static dev.ambit.control.model.convert.Fields.list;
import static dev.ambit.control.model.convert.Fields.map;

import dev.ambit.api.model.IpLiteral;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.workload.Endpoint;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.ServicePort;
import dev.ambit.api.model.workload.WaypointAddress;
import dev.ambit.control.model.MeshSettings;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A Service and its endpoints into a {@link MeshService}. Endpoints come from the service's EndpointSlices when it
 * has any (Kubernetes), else from the running pods its selector picks (file mode, where no endpoint controller
 * runs).
 */
public final class ServiceConverter {

    private final MeshSettings settings;

    public ServiceConverter(MeshSettings settings) {
        this.settings = settings;
    }

    /**
     * @param podUid the workload uid of a pod by {@code <namespace>/<name>}, for slice endpoints that name one
     * @return empty for ExternalName services, which have no addresses of their own
     */
    public Optional<MeshService> convert(Service service, Optional<WaypointAddress> waypoint, List<EndpointSlice> slices,
            List<Pod> selectedPods, Function<String, Optional<String>> podUid) {
        var spec = SecurityPolicyConverter.spec(service.getSpec());
        if ("ExternalName".equals(spec.getType())) {
            return Optional.empty();
        }
        NamespacedName name = SecurityPolicyConverter.nameOf(service);
        List<io.fabric8.kubernetes.api.model.ServicePort> specPorts = list(spec.getPorts());
        // A YAML list item with nothing in it ("ports: [~]") reads as a null port: refuse it by its place, as the
        // API server would, instead of failing on it below (found by YamlObjectsFuzzTest).
        int empty = specPorts.indexOf(null);
        if (empty >= 0) {
            throw new InvalidConfigException("Service " + name, "spec.ports[" + empty + "]", "is empty");
        }
        List<ServicePort> ports = new ArrayList<>();
        for (int i = 0; i < specPorts.size(); i++) {
            var port = specPorts.get(i);
            ports.add(at("spec.ports[" + i + "]", () -> new ServicePort(port.getName() == null ? "" : port.getName(),
                    port.getPort() == null ? 0 : port.getPort(), numericTarget(port),
                    Fields.optionalText(port.getAppProtocol()))));
        }
        List<Endpoint> endpoints = slices.isEmpty() ? fromPods(specPorts, selectedPods)
                : fromSlices(specPorts, slices, podUid);
        return Optional.of(new MeshService(name, settings.hostname(name), vips(spec.getClusterIPs(), spec.getClusterIP()),
                ports, endpoints, waypoint, map(service.getMetadata().getLabels())));
    }

    private static List<InetAddress> vips(List<String> clusterIps, String clusterIp) {
        List<String> ips = list(clusterIps).isEmpty() && clusterIp != null ? List.of(clusterIp) : list(clusterIps);
        List<InetAddress> vips = new ArrayList<>();
        for (int i = 0; i < ips.size(); i++) {
            String ip = ips.get(i);
            if (!ip.isEmpty() && !ip.equals("None")) {
                vips.add(at("spec.clusterIPs[" + i + "]", () -> IpLiteral.parse(ip)));
            }
        }
        return vips;
    }

    /** A named target port differs per pod; endpoints carry the real number, the service the port itself. */
    private static int numericTarget(io.fabric8.kubernetes.api.model.ServicePort port) {
        IntOrString target = port.getTargetPort();
        return target != null && target.getIntVal() != null ? target.getIntVal()
                : port.getPort() == null ? 0 : port.getPort();
    }

    private static List<Endpoint> fromSlices(List<io.fabric8.kubernetes.api.model.ServicePort> specPorts,
            List<EndpointSlice> slices, Function<String, Optional<String>> podUid) {
        Map<String, Endpoint> byAddress = new HashMap<>();
        for (EndpointSlice slice : slices) {
            Map<Integer, Integer> ports = new HashMap<>();
            for (EndpointPort slicePort : list(slice.getPorts())) {
                String sliceName = slicePort.getName() == null ? "" : slicePort.getName();
                specPorts.stream().filter(port -> sliceName.equals(port.getName() == null ? "" : port.getName()))
                        .findFirst().ifPresent(port -> ports.put(port.getPort(), slicePort.getPort()));
            }
            String namespace = slice.getMetadata().getNamespace();
            for (var endpoint : list(slice.getEndpoints())) {
                if (endpoint.getConditions() != null && Boolean.FALSE.equals(endpoint.getConditions().getReady())) {
                    continue;
                }
                var target = endpoint.getTargetRef();
                for (String ip : list(endpoint.getAddresses())) {
                    String uid = target != null && "Pod".equals(target.getKind())
                            ? podUid.apply(namespace + "/" + target.getName()).orElse(namespace + "/" + target.getName())
                            : "address/" + ip;
                    InetAddress address = at("endpoints", () -> IpLiteral.parse(ip));
                    byAddress.putIfAbsent(ip, new Endpoint(uid, address, ports));
                }
            }
        }
        return sorted(byAddress);
    }

    private static List<Endpoint> fromPods(List<io.fabric8.kubernetes.api.model.ServicePort> specPorts,
            List<Pod> pods) {
        Map<String, Endpoint> byAddress = new HashMap<>();
        for (Pod pod : pods) {
            if (WorkloadConverter.isFinished(pod) || pod.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            Map<Integer, Integer> ports = new LinkedHashMap<>();
            specPorts.forEach(port -> targetPort(port, pod).ifPresent(target -> ports.put(port.getPort(), target)));
            for (InetAddress address : WorkloadConverter.addresses(pod)) {
                byAddress.putIfAbsent(address.getHostAddress(),
                        new Endpoint(WorkloadConverter.uidOf(pod), address, ports));
            }
        }
        return sorted(byAddress);
    }

    private static Optional<Integer> targetPort(io.fabric8.kubernetes.api.model.ServicePort port, Pod pod) {
        IntOrString target = port.getTargetPort();
        if (target == null || (target.getIntVal() == null && target.getStrVal() == null)) {
            return Optional.ofNullable(port.getPort());
        }
        if (target.getIntVal() != null) {
            return Optional.of(target.getIntVal());
        }
        return list(pod.getSpec() == null ? null : pod.getSpec().getContainers()).stream()
                .flatMap(container -> list(container.getPorts()).stream())
                .filter(containerPort -> target.getStrVal().equals(containerPort.getName()))
                .map(ContainerPort::getContainerPort).findFirst();
    }

    private static List<Endpoint> sorted(Map<String, Endpoint> byAddress) {
        return byAddress.values().stream().sorted(Comparator.comparing(endpoint -> endpoint.address().getHostAddress()))
                .toList();
    }
}
