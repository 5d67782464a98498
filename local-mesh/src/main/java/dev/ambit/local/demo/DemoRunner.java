package dev.ambit.local.demo;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.local.apps.RequestClient;
import dev.ambit.local.launch.LocalMesh;
import dev.ambit.local.launch.Manifests.LocalNode;
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
 * {@code metrics}, {@code tracing}, {@code graph}), with {@code pass} saying whether it showed what it should.
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
        report.put("tracing", tracing());
        report.put("graph", graph());
        return report;
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
        return ordered("pass", pass, "traceId", trace, "callerSpanId", caller, "spans", shown);
    }

    private static Map<?, ?> attributes(Map<String, Object> span) {
        return (Map<?, ?>) span.get("attributes");
    }

    /** The collector's spans of {@code trace}, once a server and a client span of it have arrived. */
    private List<Map<String, Object>> awaitSpans(String trace) {
        long deadline = System.nanoTime() + CONFIG_WAIT.toNanos();
        List<Map<String, Object>> ofTrace;
        do {
            ofTrace = TraceChain.parse(mesh.spans()).stream().filter(span -> trace.equals(span.get("traceId")))
                    .toList();
            if (ofTrace.stream().anyMatch(span -> "SERVER".equals(span.get("kind")))
                    && ofTrace.stream().anyMatch(span -> "CLIENT".equals(span.get("kind")))) {
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
            pass = GraphCheck.showsTheDemo(answer, DENIED_REQUESTS);
        } while (!pass && System.nanoTime() < deadline);
        Map<String, Object> result = ordered("pass", pass, "url", LocalMesh.GRAPH_URL,
                "clientToHello", GraphCheck.edge(answer, GraphCheck.CLIENT_TO_HELLO).orElse(null));
        result.putAll(answer);
        return result;
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
