package dev.ambit.local.launch;

import dev.ambit.local.topology.AddressPlan;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Nodes and Pods of a local mesh, read from the same YAML the controller reads: the launcher builds exactly
 * the namespaces, addresses and processes those objects describe (what a kubelet and a CNI would do).
 */
public final class Manifests {

    /**
     * A simulated node: its number in the address plan comes from its IPv4 InternalIP (10.10.0.N); a second
     * InternalIP, its IPv6 one, is the controller's to read.
     */
    public record LocalNode(String name, int number) {
    }

    /**
     * A simulated pod: what runs in it comes from its first container's image and env. {@code ip} is its IPv4
     * address, {@code ipv6} its IPv6 one when it is dual-stack (its {@code status.podIPs} name one).
     */
    public record LocalPod(String name, String namespace, String uid, String node, String ip, Optional<String> ipv6,
                           String image, Map<String, String> env, int containerPort) {

        /**
         * A pod made in code (not read from a manifest), dual-stack as the demo's pods are: its IPv6 address is its
         * IPv4 one's counterpart in the address plan ({@link AddressPlan#podIpv6Of}).
         */
        public LocalPod(String name, String namespace, String uid, String node, String ip, String image,
                        Map<String, String> env, int containerPort) {
            this(name, namespace, uid, node, ip, Optional.of(AddressPlan.podIpv6Of(ip)), image, env, containerPort);
        }

        /** Its addresses, IPv4 first: what a kubelet reports as {@code status.podIPs}. */
        public List<String> ips() {
            return ipv6.map(address -> List.of(ip, address)).orElse(List.of(ip));
        }
    }

    /**
     * A Gateway of class {@value #INGRESS_CLASS}: what the controller's deployer turns into the ingress process's
     * {@code --listener} flags in a cluster.
     */
    public record LocalGateway(String namespace, String name, List<LocalListener> listeners) {
    }

    /** One listener of an ingress Gateway; {@code hostname} {@code *} when it has none. */
    public record LocalListener(String name, String protocol, int port, String hostname,
                                List<String> certificateSecrets) {
    }

    /** The Gateway class whose Gateways are ingress gateways (docs/ingress.md). */
    public static final String INGRESS_CLASS = "ambit-ingress";

    private final List<LocalNode> nodes;
    private final List<LocalPod> pods;
    private final Map<String, LocalGateway> ingressGateways;
    private final Map<String, Map<String, byte[]>> secrets;
    private final Map<String, Map<String, String>> configMaps;
    private final Map<String, String> podConfigMaps;

    private Manifests(List<LocalNode> nodes, List<LocalPod> pods, Objects objects) {
        this.nodes = List.copyOf(nodes);
        this.pods = List.copyOf(pods);
        this.ingressGateways = Map.copyOf(objects.ingressGateways);
        this.secrets = Map.copyOf(objects.secrets);
        this.configMaps = Map.copyOf(objects.configMaps);
        this.podConfigMaps = Map.copyOf(objects.podConfigMaps);
    }

    /** The objects a kubelet reads for a pod beyond the Pod itself: Secrets, ConfigMaps, the ingress Gateways. */
    private static final class Objects {
        final Map<String, LocalGateway> ingressGateways = new java.util.HashMap<>();
        final Map<String, Map<String, byte[]>> secrets = new java.util.HashMap<>();
        final Map<String, Map<String, String>> configMaps = new java.util.HashMap<>();
        final Map<String, String> podConfigMaps = new java.util.HashMap<>();
    }

    public List<LocalNode> nodes() {
        return nodes;
    }

    public List<LocalPod> pods() {
        return pods;
    }

    public LocalNode node(String name) {
        return nodes.stream().filter(node -> node.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no Node named '" + name + "' in the manifests"));
    }

    public LocalPod pod(String namespace, String name) {
        return pods.stream().filter(pod -> pod.namespace().equals(namespace) && pod.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no Pod " + namespace + "/" + name + " in the manifests"));
    }

    /** The {@value #INGRESS_CLASS} Gateway {@code pod} runs, if it runs one (its GATEWAY_NAMESPACE/NAME env). */
    public java.util.Optional<LocalGateway> ingressGatewayOf(LocalPod pod) {
        return java.util.Optional.ofNullable(ingressGateways.get(pod.env().get("GATEWAY_NAMESPACE") + "/"
                + pod.env().get("GATEWAY_NAME")));
    }

    /** A Secret's data (decoded), as a kubelet mounts it. */
    public Map<String, byte[]> secret(String namespace, String name) {
        Map<String, byte[]> data = secrets.get(namespace + "/" + name);
        if (data == null) {
            throw new IllegalArgumentException("no Secret " + namespace + "/" + name + " in the manifests");
        }
        return data;
    }

    /** The data of the ConfigMap the pod mounts (its first configMap volume); empty when it mounts none. */
    public Map<String, String> configMapOf(LocalPod pod) {
        String name = podConfigMaps.get(pod.namespace() + "/" + pod.name());
        if (name == null) {
            return Map.of();
        }
        Map<String, String> data = configMaps.get(pod.namespace() + "/" + name);
        if (data == null) {
            throw new IllegalArgumentException("Pod " + pod.namespace() + "/" + pod.name() + " mounts ConfigMap '"
                    + name + "', which is not in the manifests");
        }
        return data;
    }

    public static Manifests read(Path directory) {
        List<LocalNode> nodes = new ArrayList<>();
        List<LocalPod> pods = new ArrayList<>();
        Objects objects = new Objects();
        Map<LocalPod, Path> podFiles = new java.util.IdentityHashMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (Reader reader = Files.newBufferedReader(file)) {
                    for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(reader)) {
                        if (document instanceof Map<?, ?> object) {
                            int before = pods.size();
                            collect(object, file, nodes, pods);
                            pods.subList(before, pods.size()).forEach(pod -> podFiles.put(pod, file));
                            collectPodInputs(object, objects);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read manifests in " + directory + ": " + e.getMessage(), e);
        }
        checkPodRanges(nodes, podFiles);
        return new Manifests(nodes, pods, objects);
    }

    /**
     * Each pod's addresses are in its node's pod ranges, as a node's IPAM hands them out: the local network routes
     * only those. A pod whose Node is not in the manifests fails later, when it is placed.
     */
    private static void checkPodRanges(List<LocalNode> nodes, Map<LocalPod, Path> podFiles) {
        podFiles.forEach((pod, file) -> nodes.stream().filter(node -> node.name().equals(pod.node())).findFirst()
                .ifPresent(node -> pod.ips().forEach(ip -> {
                    if (!AddressPlan.isPodIpOf(node.number(), ip)) {
                        throw new IllegalArgumentException(file + ": Pod " + pod.namespace() + "/" + pod.name()
                                + " has address " + ip + ", which is not in its node " + node.name() + "'s pod range "
                                + AddressPlan.podCidrOfFamily(node.number(), ip));
                    }
                })));
    }

    /** Secrets, ConfigMaps, ingress Gateways, and which ConfigMap each pod mounts. */
    private static void collectPodInputs(Map<?, ?> object, Objects objects) {
        Object kind = object.get("kind");
        Map<?, ?> metadata = map(object.get("metadata"));
        String key = (metadata.get("namespace") == null ? "default" : metadata.get("namespace")) + "/"
                + metadata.get("name");
        if ("Secret".equals(kind)) {
            Map<String, byte[]> data = new java.util.HashMap<>();
            map(object.get("data")).forEach((name, value) -> data.put(String.valueOf(name),
                    java.util.Base64.getMimeDecoder().decode(String.valueOf(value))));
            map(object.get("stringData")).forEach((name, value) -> data.put(String.valueOf(name),
                    String.valueOf(value).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            objects.secrets.put(key, Map.copyOf(data));
        } else if ("ConfigMap".equals(kind)) {
            Map<String, String> data = new java.util.HashMap<>();
            map(object.get("data")).forEach((name, value) -> data.put(String.valueOf(name), String.valueOf(value)));
            objects.configMaps.put(key, Map.copyOf(data));
        } else if ("Gateway".equals(kind) && INGRESS_CLASS.equals(map(object.get("spec")).get("gatewayClassName"))) {
            List<LocalListener> listeners = new ArrayList<>();
            for (Object item : list(map(object.get("spec")).get("listeners"))) {
                Map<?, ?> listener = map(item);
                List<String> secrets = new ArrayList<>();
                for (Object ref : list(map(listener.get("tls")).get("certificateRefs"))) {
                    secrets.add(String.valueOf(map(ref).get("name")));
                }
                Object hostname = listener.get("hostname");
                listeners.add(new LocalListener(String.valueOf(listener.get("name")),
                        String.valueOf(listener.get("protocol")), ((Number) listener.get("port")).intValue(),
                        hostname == null ? "*" : hostname.toString(), List.copyOf(secrets)));
            }
            String namespace = key.substring(0, key.indexOf('/'));
            objects.ingressGateways.put(key, new LocalGateway(namespace, String.valueOf(metadata.get("name")),
                    List.copyOf(listeners)));
        } else if ("Pod".equals(kind)) {
            for (Object volume : list(map(object.get("spec")).get("volumes"))) {
                Object configMap = map(map(volume).get("configMap")).get("name");
                if (configMap != null) {
                    objects.podConfigMaps.putIfAbsent(key, configMap.toString());
                }
            }
        }
    }

    private static void collect(Map<?, ?> object, Path file, List<LocalNode> nodes, List<LocalPod> pods) {
        Object kind = object.get("kind");
        Map<?, ?> metadata = map(object.get("metadata"));
        String name = String.valueOf(metadata.get("name"));
        if ("Node".equals(kind)) {
            String ip = internalIpv4(map(object.get("status")), file, name);
            nodes.add(new LocalNode(name, Integer.parseInt(ip.substring(ip.lastIndexOf('.') + 1))));
        } else if ("Pod".equals(kind)) {
            Map<?, ?> spec = map(object.get("spec"));
            Map<?, ?> container = map(((List<?>) spec.get("containers")).get(0));
            Map<String, String> env = new java.util.HashMap<>();
            for (Object entry : list(container.get("env"))) {
                env.put(String.valueOf(map(entry).get("name")), String.valueOf(map(entry).get("value")));
            }
            List<?> ports = list(container.get("ports"));
            int port = ports.isEmpty() ? 0 : ((Number) map(ports.get(0)).get("containerPort")).intValue();
            Object namespace = metadata.get("namespace");
            PodIps ips = podIps(map(object.get("status")), file, name);
            pods.add(new LocalPod(name, namespace == null ? "default" : namespace.toString(),
                    require(metadata.get("uid"), file, name, "metadata.uid"),
                    require(spec.get("nodeName"), file, name, "spec.nodeName"), ips.ipv4, ips.ipv6,
                    require(container.get("image"), file, name, "spec.containers[0].image"), env, port));
        }
    }

    /**
     * The IPv4 InternalIP: the node's number in the address plan. A dual-stack node has one InternalIP per family,
     * in either order, as a kubelet with two {@code --node-ip} reports them.
     */
    private static String internalIpv4(Map<?, ?> status, Path file, String node) {
        for (Object address : list(status.get("addresses"))) {
            Object ip = map(address).get("address");
            if ("InternalIP".equals(map(address).get("type")) && ip != null && !AddressPlan.isIpv6(ip.toString())) {
                return ip.toString();
            }
        }
        throw new IllegalArgumentException(file + ": Node " + node + " has no IPv4 InternalIP in status.addresses");
    }

    private record PodIps(String ipv4, Optional<String> ipv6) {
    }

    /**
     * A pod's addresses as the kubelet reports them: {@code status.podIPs} (one per family) when present, else
     * {@code status.podIP}. Every pod of the local mesh has an IPv4 address; the IPv6 one is optional.
     */
    private static PodIps podIps(Map<?, ?> status, Path file, String pod) {
        List<String> ips = new ArrayList<>();
        for (Object entry : list(status.get("podIPs"))) {
            ips.add(require(map(entry).get("ip"), file, pod, "an ip in each status.podIPs entry"));
        }
        if (ips.isEmpty()) {
            ips.add(require(status.get("podIP"), file, pod, "status.podIP or status.podIPs"));
        }
        List<String> ipv4 = ips.stream().filter(ip -> !AddressPlan.isIpv6(ip)).toList();
        List<String> ipv6 = ips.stream().filter(AddressPlan::isIpv6).toList();
        if (ipv4.size() != 1 || ipv6.size() > 1) {
            throw new IllegalArgumentException(file + ": Pod " + pod + " has addresses " + ips
                    + "; in local mode it needs one IPv4 address and at most one IPv6 address");
        }
        Object podIp = status.get("podIP");
        if (podIp != null && !podIp.toString().equals(ips.get(0))) {
            throw new IllegalArgumentException(file + ": Pod " + pod + " has status.podIP " + podIp
                    + ", which is not the first of status.podIPs " + ips);
        }
        return new PodIps(ipv4.get(0), ipv6.stream().findFirst());
    }

    private static String require(Object value, Path file, String pod, String field) {
        if (value == null) {
            throw new IllegalArgumentException(file + ": Pod " + pod + " needs " + field + " in local mode");
        }
        return value.toString();
    }

    private static Map<?, ?> map(Object value) {
        return value instanceof Map<?, ?> map ? map : Map.of();
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> list ? list : List.of();
    }
}
