package dev.ambit.local.demo;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.local.apps.RequestClient;
import dev.ambit.local.apps.Resolve;
import dev.ambit.local.launch.LocalMesh;
import dev.ambit.local.launch.Manifests.LocalNode;
import dev.ambit.local.launch.Manifests.LocalPod;
import dev.ambit.local.launch.MetricSample;
import dev.ambit.local.topology.AddressPlan;
import dev.ambit.nodeagent.redirect.PinnedSteeringView;
import dev.ambit.testbed.Netns;
import dev.ambit.testbed.RequestSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's steps against a running local mesh: each changes only the YAML in the watched directory, waits until
 * the pushed config shows in the traffic, measures, and undoes itself. The result of each step is a map under its
 * key in the report ({@code mtls}, {@code split}, {@code headerRoute}, {@code fault}, {@code policy},
 * {@code ingress}, {@code metrics}, {@code tracing}, {@code graph}, {@code dns}, {@code ipv6}, {@code podStart}), with {@code pass} saying whether
 * it showed what it should.
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
        report.put("ingress", ingress());
        report.put("metrics", metrics());
        report.put("tracing", tracing());
        report.put("graph", graph());
        report.put("dns", dns());
        report.put("ipv6", ipv6());
        report.put("podStart", podStart());
        return report;
    }

    static final String HELLO_SVC_NAME = "hello-svc.demo.svc." + LocalMesh.CLUSTER_DOMAIN;
    /** How a pod of another namespace names it: {@code <svc>.<ns>}, completed by the resolv.conf search path. */
    static final String HELLO_SVC_SHORT_NAME = "hello-svc.demo";
    private static final String OUTSIDE_NAME = "outside.example";

    /**
     * DNS through the node tunnels' proxies, captured by eBPF: the client pod's resolv.conf names the cluster DNS
     * address, which nothing serves, as a kubelet writes it. The client resolves hello-svc by its full name and as
     * {@code <svc>.<ns>} (answered by the proxy from the mesh's config) and a name outside the mesh (forwarded to the
     * upstream resolver); then requests by name cross the mesh with mTLS. The non-mesh pod's DNS is not captured:
     * the same names do not resolve there, and no proxy sees its queries.
     */
    public Map<String, Object> dns() {
        Map<String, Long> answersBefore = dnsCounts("ambit_dns_answers_total", "source");
        Map<String, String> resolved = resolve(DEMO, "client", HELLO_SVC_NAME, HELLO_SVC_SHORT_NAME, OUTSIDE_NAME);
        Map<String, Long> answers = since(answersBefore, dnsCounts("ambit_dns_answers_total", "source"));

        Set<String> peers = new TreeSet<>();
        double verifiedBefore = connectionsVerifiedFrom(CLIENT_PRINCIPAL, peers);
        RequestSummary byName = fromClient("http://" + HELLO_SVC_NAME + ":8080/hello", 10);
        long verified = Math.round(connectionsVerifiedFrom(CLIENT_PRINCIPAL, peers) - verifiedBefore);

        Map<String, Long> queriesBefore = dnsCounts("ambit_dns_queries_total", "protocol");
        Map<String, String> outsider = resolve("legacy", "outsider", HELLO_SVC_NAME, OUTSIDE_NAME);
        long outsiderQueries = since(queriesBefore, dnsCounts("ambit_dns_queries_total", "protocol")).values()
                .stream().mapToLong(Long::longValue).sum();

        String helloVip = URI.create(HELLO_SVC).getHost();
        String outsideAddress = LocalMesh.UPSTREAM_RECORDS.get(OUTSIDE_NAME);
        // hello-svc is dual-stack: its name has an A and an AAAA record (the JDK lists IPv4 first).
        String helloVips = helloVip + "," + AddressPlan.HELLO_SVC_IPV6;
        boolean pass = resolved.get(HELLO_SVC_NAME).equals(helloVips)
                && resolved.get(HELLO_SVC_SHORT_NAME).equals(helloVips)
                && resolved.get(OUTSIDE_NAME).equals(outsideAddress)
                && answers.getOrDefault("mesh", 0L) >= 2 && answers.getOrDefault("upstream", 0L) >= 1
                && byName.status(200) == 10 && verified >= 10
                && outsider.values().stream().allMatch(Resolve.UNRESOLVED::equals) && outsiderQueries == 0;
        return ordered("pass", pass, "resolvedByClient", resolved, "serviceAddress", helloVip,
                "proxyAnswers", answers, "requestsByName", byName.statuses(), "mtlsVerifiedAtDestination", verified,
                "peerPrincipals", List.copyOf(peers), "resolvedByOutsider", outsider,
                "outsiderQueriesAtTheProxies", outsiderQueries);
    }

    static final String HELLO_SVC_IPV6 = "http://[" + AddressPlan.HELLO_SVC_IPV6 + "]:8080/hello";
    static final int IPV6_REQUESTS = 10;
    static final int IPV6_DIRECT_REQUESTS = 5;

    /**
     * IPv6 through the mesh: hello-svc and the pods are dual-stack. From the client pod (node1), requests to
     * hello-svc's IPv6 address (through its waypoint) and to hello-v2's IPv6 address (on node2, straight to its pod)
     * are all served on IPv6 addresses (hello's {@code x-served-on}: the last hop kept the family), the tunnels verify
     * the client's and hello's SPIFFE IDs, and node1's tunnel holds its HBONE connection to node2's tunnel on node2's
     * IPv6 address. Then the DENY policy answers the IPv6 requests to the service 403 at the waypoint, as the policy
     * step saw for IPv4, and hello-v2's tunnel refuses the client's IPv6 connections straight to the pod (L4).
     */
    public Map<String, Object> ipv6() {
        LocalPod client = mesh.manifests().pod(DEMO, "client");
        LocalPod remoteHello = mesh.manifests().pod(DEMO, "hello-v2");
        String remotePod = "http://[" + remoteHello.ipv6().orElseThrow() + "]:8080/hello";

        Set<String> peers = new TreeSet<>();
        double verifiedBefore = connectionsVerifiedFrom(CLIENT_PRINCIPAL, peers);
        String viaServiceLine = requestLine(DEMO, "client", HELLO_SVC_IPV6, IPV6_REQUESTS);
        String directLine = requestLine(DEMO, "client", remotePod, IPV6_DIRECT_REQUESTS);
        long verified = Math.round(connectionsVerifiedFrom(CLIENT_PRINCIPAL, peers) - verifiedBefore);
        RequestSummary viaService = RequestSummary.parse(viaServiceLine);
        RequestSummary direct = RequestSummary.parse(directLine);
        List<String> hbone = hboneConnections(mesh.manifests().node(client.node()).number(),
                AddressPlan.nodeIpv6(mesh.manifests().node(remoteHello.node()).number()));

        apply("44-deny-client.yaml");
        awaitUntil("the DENY policy over IPv6", () -> fromClient(HELLO_SVC_IPV6, 3, QUICK_TIMEOUT),
                result -> result.status(403) == 3);
        RequestSummary denied = fromClient(HELLO_SVC_IPV6, DENIED_REQUESTS, QUICK_TIMEOUT);
        // Straight to the pod, no waypoint: hello-v2's tunnel refuses the client's connection at L4.
        double refusedBefore = refusedByPolicy(CLIENT_PRINCIPAL);
        RequestSummary deniedDirect = fromClient(remotePod, IPV6_DIRECT_REQUESTS, QUICK_TIMEOUT);
        long refused = Math.round(refusedByPolicy(CLIENT_PRINCIPAL) - refusedBefore);
        undo("44-deny-client.yaml");
        awaitUntil("the DENY policy over IPv6 to go", () -> fromClient(HELLO_SVC_IPV6, 3),
                result -> result.status(200) == 3);

        Map<String, Integer> servedViaService = RequestClient.servedOn(viaServiceLine);
        Map<String, Integer> servedDirect = RequestClient.servedOn(directLine);
        boolean pass = viaService.status(200) == IPV6_REQUESTS && viaService.versions().size() > 1
                && servedViaService.equals(Map.of(RequestClient.IPV6, IPV6_REQUESTS))
                && direct.status(200) == IPV6_DIRECT_REQUESTS
                && direct.versions().equals(Map.of("v2", IPV6_DIRECT_REQUESTS))
                && servedDirect.equals(Map.of(RequestClient.IPV6, IPV6_DIRECT_REQUESTS))
                && verified >= IPV6_REQUESTS + IPV6_DIRECT_REQUESTS && peers.contains(HELLO_PRINCIPAL)
                && !hbone.isEmpty() && deniedByThePolicy(denied)
                && deniedDirect.responses() == 0 && deniedDirect.total() == IPV6_DIRECT_REQUESTS
                && refused >= IPV6_DIRECT_REQUESTS;
        return ordered("pass", pass, "serviceAddress", AddressPlan.HELLO_SVC_IPV6,
                "viaService", ordered("statuses", viaService.statuses(), "versions", viaService.versions(),
                        "servedOn", servedViaService),
                "toPod", ordered("address", remoteHello.ipv6().orElseThrow(), "statuses", direct.statuses(),
                        "versions", direct.versions(), "servedOn", servedDirect),
                "mtlsVerifiedAtDestination", verified, "peerPrincipals", List.copyOf(peers),
                "hboneBetweenNodes", hbone,
                "deny", ordered("requests", denied.total(), "statuses", denied.statuses(), "rbac", denied.rbac(),
                        "failures", denied.failureKinds()),
                "denyToPod", ordered("requests", deniedDirect.total(), "statuses", deniedDirect.statuses(),
                        "failures", deniedDirect.failureKinds(), "refusedByPolicyAtTheTunnel", refused));
    }

    /** Connections from {@code principal} the node tunnels refused by policy ({@code reason="policy_denied"}). */
    private double refusedByPolicy(String principal) {
        return sumOverNodes("ambit_tcp_connections_refused_total",
                labels -> principal.equals(labels.get("source_principal"))
                        && "policy_denied".equals(labels.get("reason")));
    }

    /** A node tunnel counter summed over every node, over the series whose labels {@code match}. */
    private double sumOverNodes(String metric, Predicate<Map<String, String>> match) {
        double total = 0;
        for (LocalNode node : mesh.manifests().nodes()) {
            for (MetricSample sample : scrape(node.name())) {
                if (sample.name().equals(metric) && match.test(sample.labels())) {
                    total += sample.value();
                }
            }
        }
        return total;
    }

    /**
     * The established TCP connections in {@code node}'s namespace to {@code peer}'s HBONE port, as
     * {@code [local]:port -> [peer]:15008}: the node tunnel's pooled HBONE connections to that node's tunnel.
     */
    private static List<String> hboneConnections(int node, String peer) {
        String listed = new Netns(AddressPlan.nodeNetns(node)).run("ss", "-Htn", "state", "established", "dst",
                "[" + peer + "]:" + MeshPorts.HBONE);
        List<String> connections = new ArrayList<>();
        for (String line : listed.lines().map(String::strip).filter(line -> !line.isEmpty()).toList()) {
            String[] columns = line.split("\\s+");
            connections.add(columns[columns.length - 2] + " -> " + columns[columns.length - 1]);
        }
        return connections;
    }

    /** Resolves {@code names} in the pod as its applications do: name to addresses, or {@link Resolve#UNRESOLVED}. */
    private Map<String, String> resolve(String namespace, String pod, String... names) {
        String line = mesh.runInPod(namespace, pod, Resolve.class, List.of(names), RUN_TIMEOUT);
        Map<String, String> resolved = new LinkedHashMap<>();
        for (String pair : line.trim().split(" ")) {
            String[] nameAndAddresses = pair.split("=", 2);
            resolved.put(nameAndAddresses[0], nameAndAddresses.length == 2 ? nameAndAddresses[1] : "");
        }
        return resolved;
    }

    /** A DNS proxy counter summed over the node tunnels, by one label. */
    private Map<String, Long> dnsCounts(String metric, String label) {
        Map<String, Long> counts = new TreeMap<>();
        for (LocalNode node : mesh.manifests().nodes()) {
            for (MetricSample sample : scrape(node.name())) {
                if (sample.name().equals(metric)) {
                    counts.merge(sample.labels().getOrDefault(label, "?"), Math.round(sample.value()), Long::sum);
                }
            }
        }
        return counts;
    }

    private static Map<String, Long> since(Map<String, Long> before, Map<String, Long> now) {
        Map<String, Long> difference = new TreeMap<>(now);
        difference.replaceAll((key, count) -> count - before.getOrDefault(key, 0L));
        return difference;
    }

    static final int POD_STARTS = 20;
    /**
     * How late half the pod-start pods' IPs reach config after their process starts: later than the request's JVM
     * takes to connect, well inside the tunnel's default wait for a new source (5 s).
     */
    private static final Duration LATE_ADDRESS_REPORT = Duration.ofMillis(1500);
    /** Pods started without their CNI ADD, one after another, to measure the asynchronous path's window. */
    private static final int WITHOUT_CNI = 5;
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
     * connection arrive at the destination tunnel as mTLS from the pods' own identity. As in a cluster, a pod's IP
     * reaches config only as its process starts (the kubelet reports it after the sandbox exists), so its first
     * connection may reach the tunnel before config names it: the tunnel holds it until then (docs/cni.md). Then a
     * few pods are created without their ADD, to measure how soon the asynchronous path enrolls them. Last, the
     * node's agent is stopped: a new pod's ADD is refused (it does not start), and once the agent is back the pod
     * starts and is tunnelled.
     */
    public Map<String, Object> podStart() {
        List<LocalPod> pods = new ArrayList<>();
        for (int i = 1; i <= POD_STARTS + 1 + WITHOUT_CNI; i++) {
            pods.add(new LocalPod("podstart-" + i, DEMO, "demo-podstart-" + i, POD_START_NODE, "10.244.1." + (100 + i),
                    "ambit.dev/samples/sleep", Map.of(), 0));
        }
        Set<LocalPod> reported = new HashSet<>();
        writePodStartManifests(pods, reported);
        Set<String> peers = new TreeSet<>();
        double before = podStartConnections(new TreeSet<>());
        Map<String, Long> waitsBefore = sourceWaits(POD_START_NODE);
        List<LocalPod> started = new ArrayList<>();
        int ok = 0;
        String refusedWhileAgentDown = "";
        boolean startedAfterAgentBack = false;
        try {
            for (int i = 0; i < POD_STARTS; i++) {
                LocalPod pod = pods.get(i);
                mesh.startPodNow(pod, Duration.ofSeconds(30));
                started.add(pod);
                // Every other pod's IP reaches config late, as on a busy node: its first connection then waits.
                ok += runReportingAddress(pod, pods, reported, i % 2 == 0 ? Duration.ZERO : LATE_ADDRESS_REPORT);
            }
            long tunnelled = Math.round(podStartConnections(peers) - before);

            List<Long> withoutCniMillis = new ArrayList<>();
            for (LocalPod unplugged : pods.subList(POD_STARTS + 1, pods.size())) {
                started.add(unplugged);
                long millis = asyncEnrollment(unplugged, pods, reported);
                log.info("event=demo_pod_without_cni_enrolled pod={}/{} after_ms={}", unplugged.namespace(),
                        unplugged.name(), millis);
                withoutCniMillis.add(millis);
            }

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
                startedAfterAgentBack = runReportingAddress(late, pods, reported, Duration.ZERO) == 1;
            }
            long tunnelledInAll = Math.round(podStartConnections(peers) - before);
            Map<String, Long> waits = since(waitsBefore, sourceWaits(POD_START_NODE));
            boolean pass = ok == POD_STARTS && tunnelled >= POD_STARTS && !refusedWhileAgentDown.isEmpty()
                    && startedAfterAgentBack && tunnelledInAll >= POD_STARTS + 1
                    && withoutCniMillis.stream().allMatch(millis -> millis >= 0);
            return ordered("pass", pass, "pods", POD_STARTS, "succeeded", ok, "mtlsVerifiedAtDestination", tunnelled,
                    "sourcePrincipal", POD_START_PRINCIPAL, "peerPrincipals", List.copyOf(peers),
                    "refusedWhileAgentDown", refusedWhileAgentDown,
                    "startedAndTunnelledOnceAgentBack", startedAfterAgentBack,
                    "connectionsThatWaitedForTheirPod", waits,
                    "withoutCniEnrolledAfterMillis", withoutCniMillis);
        } finally {
            started.forEach(mesh::removePodNow);
            mesh.delete(POD_START_FILE);
        }
    }

    /**
     * The asynchronous path's window, measured: a pod whose sandbox skipped the plugin (as one created before the
     * install, or with the plugin off) and whose config names it is enrolled only by the agent's asynchronous pass
     * (on its cgroup appearing, else on the 2 s tick). The
     * milliseconds from its cgroup's creation until its node's enrolled map holds one more pod; -1 when that does not
     * happen within 10 s.
     */
    private long asyncEnrollment(LocalPod pod, List<LocalPod> pods, Set<LocalPod> reported) {
        reported.add(pod);
        writePodStartManifests(pods, reported);
        try (PinnedSteeringView steering = mesh.steering(pod.node())) {
            int before = steering.enrolledPods().orElseThrow(() -> new IllegalStateException(
                    "the enrolled map of " + pod.node() + " cannot be read: " + steering.problem().orElse("")));
            mesh.createPodNetworkWithoutCni(pod);
            long start = System.nanoTime();
            mesh.createPodCgroup(pod);
            long deadline = start + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                if (steering.enrolledPods().orElse(before) > before) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                }
                sleep(Duration.ofMillis(5));
            }
            return -1;
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Runs one request from a just-started pod while its IP is reported to config {@code reportAfter} the process
     * started (the file rewritten with it, as the kubelet's status update): whichever comes first, the request must
     * be tunnelled. Returns how many requests were answered 200 (0 or 1).
     */
    private int runReportingAddress(LocalPod pod, List<LocalPod> pods, Set<LocalPod> reported, Duration reportAfter) {
        reported.add(pod);
        CompletableFuture<Void> report = CompletableFuture.runAsync(() -> writePodStartManifests(pods, reported),
                CompletableFuture.delayedExecutor(reportAfter.toMillis(), TimeUnit.MILLISECONDS));
        try {
            return RequestSummary.parse(mesh.runInPod(pod, RequestClient.class, List.of(HELLO_SVC, "1"), RUN_TIMEOUT))
                    .status(200);
        } finally {
            report.join();
        }
    }

    /** The tunnel's {@code ambit_outbound_source_wait_seconds} counts on {@code node}, by outcome. */
    private Map<String, Long> sourceWaits(String node) {
        Map<String, Long> counts = new TreeMap<>();
        for (MetricSample sample : scrape(node)) {
            if (sample.name().equals("ambit_outbound_source_wait_seconds_count")) {
                counts.merge(sample.labels().getOrDefault("outcome", "?"), Math.round(sample.value()), Long::sum);
            }
        }
        return counts;
    }

    /**
     * Connections and requests from the pod-start pods' identity as their destination verified it in the mTLS
     * handshake: the destination tunnels' inbound connections and, for a service behind a waypoint (hello-svc is,
     * from {@link #headerRoute} on), the waypoint's requests, labelled with the HBONE peer's SPIFFE ID. A connection
     * that was not tunnelled carries no peer identity and is not counted; {@code peers} gets who verified it.
     */
    private double podStartConnections(Set<String> peers) {
        return connectionsVerifiedFrom(POD_START_PRINCIPAL, peers);
    }

    /**
     * Connections and requests from {@code principal} as their destination verified it in the mTLS handshake (the
     * destination tunnels' inbound connections and the waypoint's requests); {@code peers} gets who verified it.
     */
    private double connectionsVerifiedFrom(String principal, Set<String> peers) {
        double total = 0;
        for (LocalNode node : mesh.manifests().nodes()) {
            for (MetricSample sample : scrape(node.name())) {
                if (sample.name().equals("ambit_tcp_connections_opened_total")
                        && "inbound".equals(sample.labels().get("direction"))
                        && principal.equals(sample.labels().get("source_principal"))) {
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
                        && principal.equals(sample.labels().get("source_principal"))) {
                    total += sample.value();
                    peers.add(WAYPOINT_PRINCIPAL);
                }
            }
        }
        return total;
    }

    /** The pods' objects; those in {@code reported} with their IP in status, the others scheduled only. */
    private synchronized void writePodStartManifests(List<LocalPod> pods, Set<LocalPod> reported) {
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
                    """.formatted(pod.name(), pod.namespace(), pod.uid(), pod.node(), pod.image()));
            if (reported.contains(pod)) {
                yaml.append("status:\n  podIP: ").append(pod.ip()).append("\n  podIPs:\n");
                pod.ips().forEach(ip -> yaml.append("    - {ip: \"").append(ip).append("\"}\n"));
            }
        }
        Path file = null;
        try {
            file = Files.createTempDirectory("ambit-pod-start").resolve(POD_START_FILE);
            Files.writeString(file, yaml);
            mesh.apply(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (file != null) {
                deleteQuietly(file);
                deleteQuietly(file.getParent());
            }
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            log.debug("event=demo_temp_file_left path={} error=\"{}\"", path, e.getMessage());
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
        return (long) sumOverNodes("ambit_bpf_drops_total", labels -> true);
    }

    static final String INGRESS_HTTP = "http://" + AddressPlan.INGRESS_IP + "/hello";
    static final String INGRESS_HTTPS = "https://" + AddressPlan.INGRESS_IP + "/hello";
    static final String INGRESS_PRINCIPAL = "spiffe://cluster.local/ns/edge/sa/public";
    static final String INGRESS_ROUTE = "demo/ingress-hello";
    static final String INGRESS_SERVICE = "public.edge";
    static final String WAYPOINT_SERVICE = "waypoint.demo";
    static final int INGRESS_SPREAD_REQUESTS = 150;
    static final int INGRESS_ROUTED_REQUESTS = 50;
    static final int INGRESS_TLS_REQUESTS = 10;
    static final int INGRESS_DENIED_REQUESTS = 20;
    /** The ingress gateway's HTTPS listeners (examples/demo/61-ingress.yaml): SNI name → the Secret of its certificate. */
    static final Map<String, String> INGRESS_TLS = new java.util.TreeMap<>(Map.of("hello.example.com", "hello-tls",
            "shop.example.com", "shop-tls"));

    /**
     * From outside the mesh (a client on the underlay) to the ingress gateway's load balancer address, path /hello,
     * through nginx (an ambient pod) to hello-svc: spread over every version without the header, all v1 with
     * {@code version-app: v1} (hello-svc's waypoint routes on it, {@link #headerRoute} first). Over HTTPS on both
     * listeners, each SNI name is served its own listener's certificate (the only one the client trusts, its name
     * checked). Then a DENY policy naming the gateway's identity at nginx: nginx's tunnel refuses the gateway's
     * CONNECTs and the gateway answers 403, until the policy is removed.
     */
    public Map<String, Object> ingress() {
        try {
            return ingressThroughNginx();
        } catch (IllegalStateException failed) {
            // A wait that timed out (the gateway never answered, the policy never showed): the step failed.
            log.warn("event=demo_step_failed step=ingress error=\"{}\"", failed.getMessage());
            return ordered("pass", false, "address", AddressPlan.INGRESS_IP, "identity", INGRESS_PRINCIPAL, "error",
                    failed.getMessage());
        }
    }

    private Map<String, Object> ingressThroughNginx() {
        awaitUntil("the ingress gateway", () -> fromOutside(INGRESS_HTTP, 3), result -> result.status(200) == 3);
        RequestSummary spread = fromOutside(INGRESS_HTTP, INGRESS_SPREAD_REQUESTS);
        RequestSummary routed = fromOutside(INGRESS_HTTP, INGRESS_ROUTED_REQUESTS, VERSION_HEADER + ":v1");
        Map<String, Object> https = new LinkedHashMap<>();
        boolean tlsPass = true;
        for (Map.Entry<String, String> listener : INGRESS_TLS.entrySet()) {
            // The certificate of the listener's Secret in the config, the only one the client trusts.
            Path certificate = mesh.mountSecret("edge", listener.getValue()).resolve("tls.crt");
            String expected = fingerprint(certificate);
            String line = fromOutsideLine(INGRESS_HTTPS, INGRESS_TLS_REQUESTS, "tls_name=" + listener.getKey(),
                    "tls_trust=" + certificate);
            RequestSummary result = RequestSummary.parse(line);
            Map<String, Integer> served = servedCertificates(line);
            tlsPass &= result.status(200) == INGRESS_TLS_REQUESTS
                    && served.equals(Map.of(expected, INGRESS_TLS_REQUESTS));
            https.put(listener.getKey(), ordered("secret", "edge/" + listener.getValue(), "statuses",
                    result.statuses(), "versions", result.versions(), "servedCertificates", served,
                    "secretCertificate", expected, "failures", result.failureKinds()));
        }
        apply(INGRESS_DENY);
        RequestSummary denied;
        try {
            awaitUntil("the DENY policy for the ingress", () -> fromOutside(INGRESS_HTTP, 3, QUICK_TIMEOUT),
                    result -> result.status(403) == 3);
            denied = fromOutside(INGRESS_HTTP, INGRESS_DENIED_REQUESTS, QUICK_TIMEOUT);
        } finally {
            undo(INGRESS_DENY);
        }
        awaitUntil("the ingress DENY policy to go", () -> fromOutside(INGRESS_HTTP, 3),
                result -> result.status(200) == 3);
        boolean pass = spreadOverEveryVersion(spread) && routed.versions().equals(Map.of("v1", INGRESS_ROUTED_REQUESTS))
                && routed.status(200) == INGRESS_ROUTED_REQUESTS && tlsPass
                && denied.status(403) == INGRESS_DENIED_REQUESTS;
        return ordered("pass", pass, "address", AddressPlan.INGRESS_IP, "identity", INGRESS_PRINCIPAL,
                "withoutHeader", ordered("statuses", spread.statuses(), "versions", spread.versions()),
                "withHeader", ordered("statuses", routed.statuses(), "versions", routed.versions()),
                "https", https,
                "deny", ordered("policy", "demo/deny-ingress", "requests", denied.total(), "statuses",
                        denied.statuses(), "failures", denied.failureKinds()));
    }

    private static final String INGRESS_DENY = "62-deny-ingress.yaml";

    /** Every request answered 200, by each of v1, v2 and v3 for a fair share (a third, give or take 20 %). */
    static boolean spreadOverEveryVersion(RequestSummary spread) {
        int total = INGRESS_SPREAD_REQUESTS;
        return spread.status(200) == total && spread.versions().keySet().equals(Set.of("v1", "v2", "v3"))
                && spread.versions().values().stream().allMatch(count -> count >= total / 5 && count <= total / 2);
    }

    /** The request client's {@code certificates=} counts: served certificates by fingerprint. */
    static Map<String, Integer> servedCertificates(String summaryLine) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String field : summaryLine.strip().split(" ")) {
            if (field.startsWith("certificates=") && !field.equals("certificates=-")) {
                for (String entry : field.substring("certificates=".length()).split(",")) {
                    int colon = entry.lastIndexOf(':');
                    counts.put(entry.substring(0, colon), Integer.parseInt(entry.substring(colon + 1)));
                }
            }
        }
        return counts;
    }

    /** The first 16 hex digits of the SHA-256 of a PEM file's first certificate, as the request client prints them. */
    static String fingerprint(Path pem) {
        try (java.io.InputStream in = Files.newInputStream(pem)) {
            byte[] der = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in)
                    .getEncoded();
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(der))
                    .substring(0, 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("not a certificate: " + pem, e);
        }
    }

    /**
     * One request with a caller's {@code traceparent}, through hello-svc's waypoint (the header route is in place):
     * the collector gets spans that all share the caller's trace id and chain parent → child in hop order, from the
     * caller's span to the waypoint's SERVER span to its CLIENT span, with the route and the status on them.
     */
    public Map<String, Object> tracing() {
        java.util.random.RandomGenerator random = new java.security.SecureRandom();
        String trace = java.util.HexFormat.of().toHexDigits(random.nextLong() | 1)
                + java.util.HexFormat.of().toHexDigits(random.nextLong());
        String caller = java.util.HexFormat.of().toHexDigits(random.nextLong() | 1);
        RequestSummary sent = fromClient(HELLO_SVC, 1, "traceparent:00-" + trace + "-" + caller + "-01",
                VERSION_HEADER + ":v1");
        List<Map<String, Object>> spans = awaitSpans(trace);
        List<Map<String, Object>> hops = TraceChain.inHopOrder(spans, caller);
        List<Map<String, Object>> shown = new ArrayList<>();
        for (Map<String, Object> span : hops) {
            Map<?, ?> attributes = (Map<?, ?>) span.get("attributes");
            shown.add(ordered("kind", span.get("kind"), "service", span.get("service"), "spanId", span.get("spanId"),
                    "parentSpanId", span.get("parentSpanId"), "route", attributes.get("ambit.route.name"),
                    "status", attributes.get("http.response.status_code"),
                    "upstream", attributes.get("ambit.upstream.endpoint") != null
                            ? attributes.get("ambit.upstream.endpoint") : attributes.get("server.address")));
        }
        boolean pass = sent.status(200) == 1 && TraceChain.isServerThenClient(hops, spans.size())
                && "demo/hello".equals(attributes(hops.get(0)).get("ambit.route.name"))
                && hops.stream().allMatch(span -> attributes(span).get("http.response.status_code") instanceof Number
                        code && code.longValue() == 200);
        Map<String, Object> throughIngress;
        try {
            throughIngress = tracingThroughIngress();
        } catch (IllegalStateException failed) {
            log.warn("event=demo_step_failed step=tracing error=\"{}\"", failed.getMessage());
            throughIngress = ordered("pass", false, "error", failed.getMessage());
        }
        return ordered("pass", pass && Boolean.TRUE.equals(throughIngress.get("pass")), "traceId", trace,
                "callerSpanId", caller, "spans", shown, "throughIngress", throughIngress);
    }

    /** The hops of a request from outside: the ingress gateway's spans, then (nginx adds none) the waypoint's. */
    static final List<String> INGRESS_TRACE_HOPS = List.of("SERVER " + INGRESS_SERVICE, "CLIENT " + INGRESS_SERVICE,
            "SERVER " + WAYPOINT_SERVICE, "CLIENT " + WAYPOINT_SERVICE);

    /**
     * One request from the underlay with a caller's {@code traceparent}, through the ingress gateway, nginx and
     * hello-svc's waypoint: one trace, caller → ingress SERVER (route {@value #INGRESS_ROUTE}) → ingress CLIENT →
     * waypoint SERVER (route demo/hello; nginx passes the header on unchanged) → waypoint CLIENT, every span 200.
     */
    private Map<String, Object> tracingThroughIngress() {
        String trace = randomHex(2);
        String caller = randomHex(1);
        RequestSummary sent = fromOutside(INGRESS_HTTP, 1, "traceparent:00-" + trace + "-" + caller + "-01",
                VERSION_HEADER + ":v1");
        List<Map<String, Object>> spans = awaitSpans(trace, INGRESS_TRACE_HOPS.size());
        List<Map<String, Object>> hops = TraceChain.inHopOrder(spans, caller);
        List<Object> routes = hops.stream().<Object>map(span -> attributes(span).get("ambit.route.name")).toList();
        boolean pass = sent.status(200) == 1 && hops.size() == spans.size()
                && TraceChain.hops(hops).equals(INGRESS_TRACE_HOPS)
                && INGRESS_ROUTE.equals(routes.get(0)) && "demo/hello".equals(routes.get(2))
                && hops.stream().allMatch(span -> attributes(span).get("http.response.status_code") instanceof Number
                        code && code.longValue() == 200);
        return ordered("pass", pass, "traceId", trace, "callerSpanId", caller, "spans", shownSpans(hops));
    }

    private static List<Map<String, Object>> shownSpans(List<Map<String, Object>> hops) {
        List<Map<String, Object>> shown = new ArrayList<>();
        for (Map<String, Object> span : hops) {
            Map<?, ?> attributes = attributes(span);
            shown.add(ordered("kind", span.get("kind"), "service", span.get("service"), "spanId", span.get("spanId"),
                    "parentSpanId", span.get("parentSpanId"), "route", attributes.get("ambit.route.name"),
                    "status", attributes.get("http.response.status_code"),
                    "upstream", attributes.get("ambit.upstream.endpoint") != null
                            ? attributes.get("ambit.upstream.endpoint") : attributes.get("server.address")));
        }
        return shown;
    }

    private static String randomHex(int longs) {
        java.util.random.RandomGenerator random = new java.security.SecureRandom();
        StringBuilder hex = new StringBuilder(java.util.HexFormat.of().toHexDigits(random.nextLong() | 1));
        for (int i = 1; i < longs; i++) {
            hex.append(java.util.HexFormat.of().toHexDigits(random.nextLong()));
        }
        return hex.toString();
    }

    private static Map<?, ?> attributes(Map<String, Object> span) {
        return (Map<?, ?>) span.get("attributes");
    }

    /** The collector's spans of {@code trace}, once a server and a client span of it have arrived. */
    private List<Map<String, Object>> awaitSpans(String trace) {
        return awaitSpans(trace, 2);
    }

    /**
     * The collector's spans of {@code trace}, once a server and a client span and {@code atLeast} spans of it have
     * arrived (each process exports its own batches).
     */
    private List<Map<String, Object>> awaitSpans(String trace, int atLeast) {
        long deadline = System.nanoTime() + CONFIG_WAIT.toNanos();
        List<Map<String, Object>> ofTrace;
        do {
            ofTrace = TraceChain.parse(mesh.spans()).stream().filter(span -> trace.equals(span.get("traceId")))
                    .toList();
            if (ofTrace.stream().anyMatch(span -> "SERVER".equals(span.get("kind")))
                    && ofTrace.stream().anyMatch(span -> "CLIENT".equals(span.get("kind")))
                    && ofTrace.size() >= atLeast) {
                return ofTrace;
            }
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException("timed out waiting for the spans of trace " + trace + "; got " + ofTrace);
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

    /**
     * The controller's service graph after the steps (docs/graph.md): its API's answer, with {@code pass} when the
     * client → hello edge is mTLS between the client's and hello's SPIFFE IDs, goes through hello-svc's waypoint and
     * carries the DENY step's 403s. Waits for a scrape round that saw them.
     */
    public Map<String, Object> graph() {
        long deadline = System.nanoTime() + CONFIG_WAIT.toNanos();
        Map<String, Object> answer;
        boolean pass;
        do {
            answer = GraphCheck.parse(mesh.graphJson());
            pass = GraphCheck.showsTheDemo(answer, DENIED_REQUESTS)
                    && GraphCheck.showsTheStrictDrops(answer, STRICT_ATTEMPTS);
        } while (!pass && System.nanoTime() < deadline);
        Map<String, Object> result = ordered("pass", pass, "url", LocalMesh.GRAPH_URL,
                "clientToHello", GraphCheck.edge(answer, GraphCheck.CLIENT_TO_HELLO).orElse(null),
                "strictDropsIntoHello", GraphCheck.strictDropsIntoHello(answer));
        result.putAll(answer);
        return result;
    }

    private RequestSummary fromClient(String url, int count, String... options) {
        return requests(DEMO, "client", url, count, options);
    }

    /** Requests from the underlay, outside the mesh, as a client of the ingress gateway's load balancer address. */
    private RequestSummary fromOutside(String url, int count, String... options) {
        return RequestSummary.parse(fromOutsideLine(url, count, options));
    }

    private String fromOutsideLine(String url, int count, String... options) {
        List<String> args = new ArrayList<>(List.of(url, String.valueOf(count)));
        args.addAll(List.of(options));
        return mesh.runOnUnderlay(RequestClient.class, args, RUN_TIMEOUT);
    }

    private RequestSummary fromOutsider(String url, int count) {
        return requests("legacy", "outsider", url, count, QUICK_TIMEOUT);
    }

    private RequestSummary requests(String namespace, String pod, String url, int count, String... options) {
        return RequestSummary.parse(requestLine(namespace, pod, url, count, options));
    }

    /** The request client's summary line, for what {@link RequestSummary} does not read (e.g. {@code served_on}). */
    private String requestLine(String namespace, String pod, String url, int count, String... options) {
        List<String> args = new ArrayList<>(List.of(url, String.valueOf(count)));
        args.addAll(List.of(options));
        return mesh.runInPod(namespace, pod, RequestClient.class, args, RUN_TIMEOUT);
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
