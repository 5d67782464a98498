package dev.ambit.local.launch;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Nodes and Pods of a local mesh, read from the same YAML the controller reads: the launcher builds exactly
 * the namespaces, addresses and processes those objects describe (what a kubelet and a CNI would do).
 */
public final class Manifests {

    /** A simulated node: its number in the address plan comes from its InternalIP (10.10.0.N). */
    public record LocalNode(String name, int number) {
    }

    /** A simulated pod: what runs in it comes from its first container's image and env. */
    public record LocalPod(String name, String namespace, String uid, String node, String ip, String image,
                           Map<String, String> env, int containerPort) {
    }

    private final List<LocalNode> nodes;
    private final List<LocalPod> pods;

    private Manifests(List<LocalNode> nodes, List<LocalPod> pods) {
        this.nodes = List.copyOf(nodes);
        this.pods = List.copyOf(pods);
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

    public static Manifests read(Path directory) {
        List<LocalNode> nodes = new ArrayList<>();
        List<LocalPod> pods = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                try (Reader reader = Files.newBufferedReader(file)) {
                    for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(reader)) {
                        if (document instanceof Map<?, ?> object) {
                            collect(object, file, nodes, pods);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read manifests in " + directory + ": " + e.getMessage(), e);
        }
        return new Manifests(nodes, pods);
    }

    private static void collect(Map<?, ?> object, Path file, List<LocalNode> nodes, List<LocalPod> pods) {
        Object kind = object.get("kind");
        Map<?, ?> metadata = map(object.get("metadata"));
        String name = String.valueOf(metadata.get("name"));
        if ("Node".equals(kind)) {
            String ip = internalIp(map(object.get("status")), file, name);
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
            pods.add(new LocalPod(name, namespace == null ? "default" : namespace.toString(),
                    require(metadata.get("uid"), file, name, "metadata.uid"),
                    require(spec.get("nodeName"), file, name, "spec.nodeName"),
                    require(map(object.get("status")).get("podIP"), file, name, "status.podIP"),
                    require(container.get("image"), file, name, "spec.containers[0].image"), env, port));
        }
    }

    private static String internalIp(Map<?, ?> status, Path file, String node) {
        for (Object address : list(status.get("addresses"))) {
            if ("InternalIP".equals(map(address).get("type"))) {
                return String.valueOf(map(address).get("address"));
            }
        }
        throw new IllegalArgumentException(file + ": Node " + node + " has no InternalIP in status.addresses");
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
