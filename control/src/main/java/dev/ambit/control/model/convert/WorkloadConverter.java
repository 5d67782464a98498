package dev.ambit.control.model.convert;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.api.mesh.MeshLabels;
import static dev.ambit.api.model.ConfigPath.at;
import static dev.ambit.control.model.convert.Fields.list;
import static dev.ambit.control.model.convert.Fields.map;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.InvalidConfigException;
import dev.ambit.api.model.IpLiteral;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.workload.DataplaneMode;
import dev.ambit.api.model.workload.WaypointAddress;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.control.model.MeshSettings;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A pod into a {@link Workload}: its identity, addresses, node tunnel and waypoint. */
public final class WorkloadConverter {

    private static final int MAX_LABEL_VALUE = 63;

    private final MeshSettings settings;

    public WorkloadConverter(MeshSettings settings) {
        this.settings = settings;
    }

    /**
     * The pod's workload, or empty while it has no node yet, or once it has finished: then nobody can reach it. A
     * pod outside the mesh is published once it has an address. An ambient pod is published as soon as it is
     * scheduled, without addresses: its node agent must know it while the kubelet creates its sandbox (the CNI
     * plugin's ADD, docs/cni.md), which is before the pod has an address.
     *
     * @param services the services that select it
     */
    public Optional<Workload> convert(Pod pod, Namespace namespace, Node node, Optional<WaypointAddress> waypoint,
            List<NamespacedName> services) {
        String nodeName = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (nodeName == null || isFinished(pod)) {
            return Optional.empty();
        }
        List<InetAddress> addresses = addresses(pod);
        DataplaneMode mode = isAmbient(pod, namespace) ? DataplaneMode.AMBIENT : DataplaneMode.NONE;
        if (addresses.isEmpty() && mode != DataplaneMode.AMBIENT) {
            return Optional.empty();
        }
        NamespacedName name = NamespacedName.of(pod.getMetadata().getNamespace(), pod.getMetadata().getName());
        Map<String, String> labels = map(pod.getMetadata().getLabels());
        List<InetSocketAddress> tunnels = mode == DataplaneMode.AMBIENT ? tunnels(nodeName, node) : List.of();
        String serviceAccount = pod.getSpec().getServiceAccountName();
        return Optional.of(new Workload(uidOf(pod), name,
                at("spec.serviceAccountName", () -> SpiffeId.of(settings.trustDomain(), name.namespace(),
                        serviceAccount == null || serviceAccount.isEmpty() ? "default" : serviceAccount)),
                nodeName, addresses, mode, tunnels.stream().findFirst(), waypoint, labels,
                canonical(labels, "app.kubernetes.io/name", "app", name.name()),
                canonical(labels, "app.kubernetes.io/version", "version", "latest"),
                services, dnsCapture(labels, namespace), tunnels.stream().skip(1).findFirst()));
    }

    /** The pod UID; pods written for file mode may leave it out, and are then known by namespace and name. */
    public static String uidOf(Pod pod) {
        String uid = pod.getMetadata().getUid();
        return uid == null || uid.isEmpty() ? pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName() : uid;
    }

    public static List<InetAddress> addresses(Pod pod) {
        if (pod.getStatus() == null) {
            return List.of();
        }
        List<String> ips = new ArrayList<>();
        list(pod.getStatus().getPodIPs()).stream().map(PodIP::getIp).forEach(ips::add);
        if (ips.isEmpty() && pod.getStatus().getPodIP() != null && !pod.getStatus().getPodIP().isEmpty()) {
            ips.add(pod.getStatus().getPodIP());
        }
        List<InetAddress> addresses = new ArrayList<>();
        for (int i = 0; i < ips.size(); i++) {
            String ip = ips.get(i);
            addresses.add(at("status.podIPs[" + i + "]", () -> IpLiteral.parse(ip)));
        }
        return addresses;
    }

    public static boolean isFinished(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    private static boolean isAmbient(Pod pod, Namespace namespace) {
        Map<String, String> namespaceLabels = namespace == null ? Map.of() : map(namespace.getMetadata().getLabels());
        return MeshLabels.AMBIENT.equals(namespaceLabels.get(MeshLabels.DATAPLANE_MODE))
                && !MeshLabels.NONE.equals(map(pod.getMetadata().getLabels()).get(MeshLabels.DATAPLANE_MODE))
                && !Boolean.TRUE.equals(pod.getSpec().getHostNetwork());
    }

    /**
     * Whether the pod's DNS is captured: its own {@code ambit.dev/dns-capture} label decides, else its namespace's;
     * only {@code "false"} turns capture off, as only an explicit opt-out should take a pod's DNS out of the mesh.
     */
    private static boolean dnsCapture(Map<String, String> podLabels, Namespace namespace) {
        String value = podLabels.get(MeshLabels.DNS_CAPTURE);
        if (value == null && namespace != null) {
            value = map(namespace.getMetadata().getLabels()).get(MeshLabels.DNS_CAPTURE);
        }
        return !"false".equalsIgnoreCase(value);
    }

    /**
     * The node's tunnel: its InternalIP (file mode: a {@code Node} object says it) on the HBONE port; on a dual-stack
     * node, also its first InternalIP of the other address family, as the kubelet lists one per family.
     */
    private static List<InetSocketAddress> tunnels(String nodeName, Node node) {
        List<NodeAddress> nodeAddresses = node == null || node.getStatus() == null ? List.of()
                : list(node.getStatus().getAddresses());
        List<InetSocketAddress> tunnels = new ArrayList<>();
        for (NodeAddress address : nodeAddresses) {
            if (!"InternalIP".equals(address.getType())) {
                continue;
            }
            InetAddress ip = at("status.addresses", () -> IpLiteral.parse(address.getAddress()));
            if (tunnels.isEmpty() || tunnels.size() == 1 && !IpLiteral.sameFamily(tunnels.get(0).getAddress(), ip)) {
                tunnels.add(new InetSocketAddress(ip, MeshPorts.HBONE));
            }
        }
        if (tunnels.isEmpty()) {
            throw new InvalidConfigException("", "spec.nodeName", "node '" + nodeName
                    + "' has no InternalIP address yet, so the pod's tunnel is unknown");
        }
        return tunnels;
    }

    private static String canonical(Map<String, String> labels, String preferred, String fallback, String absent) {
        String value = labels.getOrDefault(preferred, labels.getOrDefault(fallback, absent));
        if (value.length() <= MAX_LABEL_VALUE) {
            return value;
        }
        // Pod names may be longer than a label value; keep a valid label value rather than refusing the pod.
        return value.substring(0, MAX_LABEL_VALUE).replaceAll("[^A-Za-z0-9]+$", "");
    }
}
