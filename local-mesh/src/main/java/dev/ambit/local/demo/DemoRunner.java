package dev.ambit.local.demo;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.local.apps.RequestClient;
import dev.ambit.local.launch.LocalMesh;
import dev.ambit.local.launch.Manifests.LocalNode;
import dev.ambit.local.launch.Manifests.LocalPod;
import dev.ambit.testbed.RequestSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's steps against a running local mesh: each changes only the YAML in the watched directory, waits until
 * the pushed config shows in the traffic, measures, and undoes itself. The result of each step is a map under its
 * key in the report ({@code mtls}, {@code split}, {@code headerRoute}, {@code fault}, {@code policy},
 * {@code metrics}, {@code podStart}), with {@code pass} saying whether it showed what it should.
 */
public final class DemoRunner {

    private static final Logger log = LoggerFactory.getLogger(DemoRunner.class);
    static final String DEMO = "demo";
    static final String HELLO_SVC = "http://10.96.0.10:8080/hello";
    static final String CLIENT_PRINCIPAL = "spiffe://cluster.local/ns/demo/sa/client";
    static final String HELLO_PRINCIPAL = "spiffe://cluster.local/ns/demo/sa/hello";
    private static final Duration CONFIG_WAIT = Duration.ofSeconds(30);
    private static final Duration RUN_TIMEOUT = Duration.ofSeconds(120);
    private static final String QUICK_TIMEOUT = "timeout_ms=1500";
    /** The header the waypoint routes on, in the local demo and the kind tests alike ({@code version-app: v1}). */
    static final String VERSION_HEADER = "version-app";
    static final String DENY_POLICY = "demo/deny-client";
    static final int DENIED_REQUESTS = 20;
    static final int STRICT_ATTEMPTS = 3;

    private final LocalMesh mesh;
    private final Path baseDir;
    private final Path stepsDir;

    public DemoRunner(LocalMesh mesh, Path baseDir) {
        this.mesh = mesh;
        this.baseDir = baseDir;
        this.stepsDir = baseDir.resolve("steps");
    }

    public Map<String, Object> run() {
        awaitMesh();
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("mtls", mtls());
        report.put("split", split());
        report.put("headerRoute", headerRoute());
        report.put("fault", fault());
        report.put("policy", policy());
        report.put("metrics", metrics());
        report.put("podStart", podStart());
        return report;
    }

    static final int POD_STARTS = 20;
    static final String POD_START_PRINCIPAL = "spiffe://cluster.local/ns/demo/sa/podstart";
    private static final String WAYPOINT = "waypoint";
    /** The demo waypoint's identity (examples/demo/30-waypoint.yaml), which verifies the pods' own when it terminates their tunnel. */
    private static final String WAYPOINT_PRINCIPAL = "spiffe://cluster.local/ns/demo/sa/waypoint";
    private static final String POD_START_FILE = "50-pod-start.yaml";
    private static final String POD_START_NODE = "node1";

    /**
     * New pods of the ambient namespace, started one after another as a kubelet starts them (network, cgroup, CNI
     * ADD through the plugin, then the container), each asking hello-svc once the moment its process starts: every
     * request must succeed through the mesh (a connection that was not steered finds no route to the VIP) and every
     * connection arrive at the destination tunnel as mTLS from the pods' own identity. Then the node's agent is
     * stopped: a new pod's ADD is refused (it does not start), and once the agent is back the pod starts and is
     * tunnelled.
     */
    public Map<String, Object> podStart() {
        List<LocalPod> pods = new ArrayList<>();
        for (int i = 1; i <= POD_STARTS + 1; i++) {
            pods.add(new LocalPod("podstart-" + i, DEMO, "demo-podstart-" + i, POD_START_NODE, "10.244.1." + (100 + i),
                    "ambit.dev/samples/sleep", Map.of(), 0));
        }
        writePodStartManifests(pods);
        java.util.Set<String> peers = new TreeSet<>();
        double before = podStartConnections(new TreeSet<>());
        List<LocalPod> started = new ArrayList<>();
        int ok = 0;
        String refusedWhileAgentDown = "";
        boolean startedAfterAgentBack = false;
        try {
            for (LocalPod pod : pods.subList(0, POD_STARTS)) {
                mesh.startPodNow(pod, Duration.ofSeconds(30));
                started.add(pod);
                RequestSummary result = RequestSummary.parse(mesh.runInPod(pod, RequestClient.class,
                        List.of(HELLO_SVC, "1"), RUN_TIMEOUT));
                ok += result.status(200);
            }
            long tunnelled = Math.round(podStartConnections(peers) - before);

            LocalPod late = pods.get(POD_STARTS);
            mesh.stopAgent(POD_START_NODE);
            try {
                mesh.startPodNow(late, Duration.ofSeconds(3));
                started.add(late);
            } catch (IllegalStateException refused) {
                refusedWhileAgentDown = refused.getMessage();
                mesh.removePodNow(late);
            }
            mesh.startAgent(POD_START_NODE);
            mesh.awaitAgentReady(POD_START_NODE);
            if (!refusedWhileAgentDown.isEmpty()) {
                mesh.startPodNow(late, Duration.ofSeconds(60));
                started.add(late);
                RequestSummary result = RequestSummary.parse(mesh.runInPod(late, RequestClient.class,
                        List.of(HELLO_SVC, "1"), RUN_TIMEOUT));
                startedAfterAgentBack = result.status(200) == 1;
            }
            long tunnelledInAll = Math.round(podStartConnections(peers) - before);
            boolean pass = ok == POD_STARTS && tunnelled >= POD_STARTS && !refusedWhileAgentDown.isEmpty()
                    && startedAfterAgentBack && tunnelledInAll >= POD_STARTS + 1;
            return ordered("pass", pass, "pods", POD_STARTS, "succeeded", ok, "mtlsVerifiedAtDestination", tunnelled,
                    "sourcePrincipal", POD_START_PRINCIPAL, "peerPrincipals", List.copyOf(peers), "refusedWhileAgentDown", refusedWhileAgentDown,
                    "startedAndTunnelledOnceAgentBack", startedAfterAgentBack);
        } finally {
            started.forEach(mesh::removePodNow);
            mesh.delete(POD_START_FILE);
        }
    }

    /**
     * Connections and requests from the pod-start pods' identity as their destination verified it in the mTLS
     * handshake: the destination tunnels' inbound connections and, for a service behind a waypoint (hello-svc is,
     * from {@link #headerRoute} on), the waypoint's requests, labelled with the HBONE peer's SPIFFE ID. A connection
     * that was not tunnelled carries no peer identity and is not counted; {@code peers} gets who verified it.
     */
    private double podStartConnections(java.util.Set<String> peers) {
        double total = 0;
        for (LocalNode node : mesh.manifests().nodes()) {
            for (MetricSample sample : scrape(node.name())) {
                if (sample.name().equals("ambit_tcp_connections_opened_total")
                        && "inbound".equals(sample.labels().get("direction"))
                        && POD_START_PRINCIPAL.equals(sample.labels().get("source_principal"))) {
                    total += sample.value();
                    peers.add(sample.labels().getOrDefault("destination_principal", "unknown"));
                }
            }
        }
        if (mesh.manifests().pods().stream().anyMatch(pod -> pod.namespace().equals(DEMO)
                && pod.name().equals(WAYPOINT))) {
            for (MetricSample sample : MetricSample.parse(mesh.fetchFromPod(DEMO, WAYPOINT,
                    ":" + MeshPorts.METRICS + "/metrics"))) {
                if (sample.name().equals("ambit_requests_total")
                        && POD_START_PRINCIPAL.equals(sample.labels().get("source_principal"))) {
                    total += sample.value();
                    peers.add(WAYPOINT_PRINCIPAL);
                }
            }
        }
        return total;
    }

    private void writePodStartManifests(List<LocalPod> pods) {
        StringBuilder yaml = new StringBuilder();
        for (LocalPod pod : pods) {
            // Documents separated, none empty: the controller refuses an empty document.
            yaml.append(yaml.isEmpty() ? "" : "---\n").append("""
                    apiVersion: v1
                    kind: Pod
                    metadata:
                      name: %s
                      namespace: %s
                      uid: %s
                      labels: {app: podstart}
                    spec:
                      nodeName: %s
                      serviceAccountName: podstart
                      containers:
                        - name: client
                          image: %s
                    status:
                      podIP: %s
                    """.formatted(pod.name(), pod.namespace(), pod.uid(), pod.node(), pod.image(), pod.ip()));
        }
        try {
            Path file = Files.createTempDirectory("ambit-pod-start").resolve(POD_START_FILE);
            Files.writeString(file, yaml);
            mesh.apply(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Waits until the freshly started mesh carries client → hello-svc. */
    public void awaitMesh() {
        awaitUntil("hello-svc answers through the mesh", () -> fromClient(HELLO_SVC, 5),
                result -> result.status(200) == 5);
    }

    /**
     * Who the tunnels saw on each client → hello connection, from the destination tunnels' own connection metrics:
     * the source principal there is what the client's certificate proved, the destination one what the tunnel holds.
     */
    public Map<String, Object> mtls() {
        RequestSummary traffic = fromClient(HELLO_SVC, 30);
        List<Map<String, Object>> connections = new ArrayList<>();
        for (LocalNode node : mesh.manifests().nodes()) {
            for (MetricSample sample : scrape(node.name())) {
                Map<String, String> labels = sample.labels();
                if (sample.name().equals("ambit_tcp_connections_opened_total") && sample.value() > 0
                        && "inbound".equals(labels.get("direction"))
                        && CLIENT_PRINCIPAL.equals(labels.get("source_principal"))
                        && "hello".equals(labels.get("destination_workload"))) {
                    connections.add(ordered("node", node.name(), "source", labels.get("source_principal"),
                            "destination", labels.get("destination_principal"), "connections", (long) sample.value()));
                }
            }
        }
        boolean pass = traffic.status(200) == 30 && !connections.isEmpty()
                && connections.stream().allMatch(c -> HELLO_PRINCIPAL.equals(c.get("destination")));
        return ordered("pass", pass, "requests", traffic.total(), "connections", connections);
    }

    /** With no route, the service's endpoints share the load. */
    public Map<String, Object> split() {
        RequestSummary result = fromClient(HELLO_SVC, 300);
        boolean pass = result.status(200) == 300 && result.versions().size() == 3
                && result.versions().values().stream().allMatch(count -> count >= 60 && count <= 140);
        return ordered("pass", pass, "requests", result.total(), "versions", result.versions());
    }

    /** hello-svc joins its waypoint and gets an HTTPRoute: "version-app: v1" always reaches v1. */
    public Map<String, Object> headerRoute() {
        apply("11-hello-svc.yaml");
        apply("41-header-route.yaml");
        awaitUntil("the header route", () -> fromClient(HELLO_SVC, 5, VERSION_HEADER + ":v1"),
                result -> result.versions().equals(Map.of("v1", 5)));
        RequestSummary routed = fromClient(HELLO_SVC, 100, VERSION_HEADER + ":v1");
        RequestSummary unrouted = fromClient(HELLO_SVC, 60);
        boolean pass = routed.versions().equals(Map.of("v1", 100)) && unrouted.versions().size() > 1;
        return ordered("pass", pass, "withHeader", routed.versions(), "withoutHeader", unrouted.versions());
    }

    /** Fault injection at the waypoint: 50 % aborts with 503, then a 1 s delay. */
    public Map<String, Object> fault() {
        apply("42-fault-abort.yaml");
        awaitUntil("the abort fault", () -> fromClient(HELLO_SVC, 10), result -> result.status(503) > 0);
        RequestSummary aborts = fromClient(HELLO_SVC, 200);
        double abortShare = aborts.status(503) / 200.0;
        undo("42-fault-abort.yaml");
        apply("43-fault-delay.yaml");
        awaitUntil("the delay fault", () -> fromClient(HELLO_SVC, 2), result -> result.p50Millis() >= 1000);
        RequestSummary delayed = fromClient(HELLO_SVC, 5);
        undo("43-fault-delay.yaml");
        awaitUntil("the faults to go", () -> fromClient(HELLO_SVC, 3),
                result -> result.status(200) == 3 && result.maxMillis() < 1000);
        boolean pass = abortShare >= 0.40 && abortShare <= 0.60 && delayed.p50Millis() >= 1000
                && delayed.status(200) == 5;
        return ordered("pass", pass, "abortShare", abortShare, "abortStatuses", aborts.statuses(),
                "delayP50Millis", delayed.p50Millis(), "delayMaxMillis", delayed.maxMillis());
    }

    /**
     * A DENY policy: the waypoint answers every client → hello request with 403 and names the policy in its body.
     * Then STRICT: the non-mesh pod's plaintext SYNs to a hello pod are dropped by the kernel (its connects time out
     * and the nodes count the drops) while mesh traffic flows. Each check needs every request to end the expected
     * way, not merely "anything but 200": a timeout or reset under DENY, or a refusal under STRICT, fails the step.
     */
    public Map<String, Object> policy() {
        apply("44-deny-client.yaml");
        awaitUntil("the DENY policy", () -> fromClient(HELLO_SVC, 3, QUICK_TIMEOUT), result -> result.status(403) == 3);
        RequestSummary denied = fromClient(HELLO_SVC, DENIED_REQUESTS, QUICK_TIMEOUT);
        undo("44-deny-client.yaml");
        awaitUntil("the DENY policy to go", () -> fromClient(HELLO_SVC, 3), result -> result.status(200) == 3);

        String helloPod = "http://" + mesh.manifests().pod(DEMO, "hello-v1").ip() + ":8080/hello";
        RequestSummary permissive = fromOutsider(helloPod, 3);
        apply("45-strict.yaml");
        awaitUntil("STRICT", () -> fromOutsider(helloPod, 1),
                result -> result.failed(RequestSummary.CONNECT_TIMEOUT) == 1);
        long dropsBefore = strictDrops();
        RequestSummary strict = fromOutsider(helloPod, STRICT_ATTEMPTS);
        long drops = strictDrops() - dropsBefore;
        RequestSummary meshStillWorks = fromClient(HELLO_SVC, 10);
        undo("45-strict.yaml");
        boolean pass = deniedByThePolicy(denied) && permissive.status(200) == 3 && droppedByTheKernel(strict, drops)
                && meshStillWorks.status(200) == 10;
        return ordered("pass", pass,
                "deny", ordered("requests", denied.total(), "statuses", denied.statuses(), "rbac", denied.rbac(),
                        "failures", denied.failureKinds()),
                "strict", ordered("plaintextBeforeStrict", permissive.statuses(), "plaintextUnderStrict",
                        ordered("statuses", strict.statuses(), "failures", strict.failureKinds()),
                        "kernelDrops", drops, "meshTrafficUnderStrict", meshStillWorks.statuses()));
    }

    /** Every request answered 403 by the waypoint, for the DENY policy (its body names it). */
    static boolean deniedByThePolicy(RequestSummary denied) {
        return denied.total() == DENIED_REQUESTS && denied.status(403) == DENIED_REQUESTS
                && denied.rbac().equals(Map.of(DENY_POLICY, DENIED_REQUESTS));
    }

    /** Every plaintext attempt unanswered at connect (no response, no refusal), and the kernel counted the drops. */
    static boolean droppedByTheKernel(RequestSummary strict, long drops) {
        return strict.total() == STRICT_ATTEMPTS && strict.failed(RequestSummary.CONNECT_TIMEOUT) == STRICT_ATTEMPTS
                && drops >= STRICT_ATTEMPTS;
    }

    /** Plaintext connection attempts into STRICT pods that the nodes' eBPF dropped so far, over every node. */
    private long strictDrops() {
        double drops = 0;
        for (LocalNode node : mesh.manifests().nodes()) {
            drops += scrape(node.name()).stream().filter(sample -> sample.name().equals("ambit_bpf_drops_total"))
                    .mapToDouble(MetricSample::value).sum();
        }
        return (long) drops;
    }

    /** Both nodes' :15020, scraped: TCP counters, labelled with identities. */
    public Map<String, Object> metrics() {
        Map<String, Object> nodes = new LinkedHashMap<>();
        boolean pass = true;
        for (LocalNode node : mesh.manifests().nodes()) {
            double opened = 0;
            double sent = 0;
            double received = 0;
            TreeSet<String> principals = new TreeSet<>();
            for (MetricSample sample : scrape(node.name())) {
                switch (sample.name()) {
                    case "ambit_tcp_connections_opened_total" -> opened += sample.value();
                    case "ambit_tcp_sent_bytes_total" -> sent += sample.value();
                    case "ambit_tcp_received_bytes_total" -> received += sample.value();
                    default -> {
                        continue;
                    }
                }
                principals.add(sample.labels().getOrDefault("source_principal", "unknown"));
                principals.add(sample.labels().getOrDefault("destination_principal", "unknown"));
            }
            principals.remove("unknown");
            pass &= opened > 0 && sent > 0 && received > 0 && !principals.isEmpty();
            nodes.put(node.name(), ordered("connectionsOpened", (long) opened, "sentBytes", (long) sent,
                    "receivedBytes", (long) received, "principals", List.copyOf(principals)));
        }
        return ordered("pass", pass, "nodes", nodes);
    }

    private RequestSummary fromClient(String url, int count, String... options) {
        return requests(DEMO, "client", url, count, options);
    }

    private RequestSummary fromOutsider(String url, int count) {
        return requests("legacy", "outsider", url, count, QUICK_TIMEOUT);
    }

    private RequestSummary requests(String namespace, String pod, String url, int count, String... options) {
        List<String> args = new ArrayList<>(List.of(url, String.valueOf(count)));
        args.addAll(List.of(options));
        return RequestSummary.parse(mesh.runInPod(namespace, pod, RequestClient.class, args, RUN_TIMEOUT));
    }

    private List<MetricSample> scrape(String node) {
        return MetricSample.parse(mesh.fetchFromNode(node, ":" + MeshPorts.METRICS + "/metrics"));
    }

    private void apply(String step) {
        log.info("event=demo_apply file={}", step);
        mesh.apply(stepsDir.resolve(step));
    }

    /** Restores the base file the step replaced, or deletes the step's own file. */
    private void undo(String step) {
        log.info("event=demo_undo file={}", step);
        Path base = baseDir.resolve(step);
        if (Files.exists(base)) {
            mesh.apply(base);
        } else {
            mesh.delete(step);
        }
    }

    private static void awaitUntil(String what, java.util.function.Supplier<RequestSummary> probe,
            Predicate<RequestSummary> done) {
        long deadline = System.nanoTime() + CONFIG_WAIT.toNanos();
        RequestSummary last;
        do {
            last = probe.get();
            if (done.test(last)) {
                log.info("event=demo_config_applied what=\"{}\"", what);
                return;
            }
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException("timed out waiting for " + what + "; last result: " + last);
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
