package dev.ambit.local.launch;

import dev.ambit.api.mesh.TracingSettings;
import dev.ambit.host.Cgroup2;
import dev.ambit.local.apps.Fetch;
import dev.ambit.local.apps.HelloServer;
import dev.ambit.local.apps.SocketForward;
import dev.ambit.local.apps.UpstreamResolver;
import dev.ambit.local.launch.Manifests.LocalNode;
import dev.ambit.local.launch.Manifests.LocalPod;
import dev.ambit.local.topology.AddressPlan;
import dev.ambit.local.topology.LocalCgroups;
import dev.ambit.local.topology.LocalNetwork;
import dev.ambit.local.topology.MeshProcess;
import dev.ambit.nodeagent.redirect.BpfRedirector;
import dev.ambit.nodeagent.redirect.PinnedSteeringView;
import dev.ambit.runtime.logging.EventLogConfigurator;
import dev.ambit.testbed.Netns;
import dev.ambit.testbed.otlp.OtlpTestCollector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole mesh on this host: the controller reading a directory of YAML, per simulated node a node agent and a
 * node tunnel (two processes, as the chart's two containers), and the pods the YAML describes, each process in its
 * own namespace and cgroup. Changes are made the way a user makes them, by editing the watched directory
 * ({@link #apply}, {@link #delete}); agents and tunnels are killed, restarted and handed over the way a node's
 * operator or a rollout does it.
 */
public final class LocalMesh implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalMesh.class);
    public static final Path PIN_BASE = Path.of("/sys/fs/bpf/ambit-local");
    public static final int CONFIG_PORT = 15010;
    public static final int CA_PORT = 15012;
    public static final int CONTROLLER_METRICS_PORT = 15014;
    public static final String CLUSTER_DOMAIN = "cluster.local";
    private static final int UPSTREAM_DNS_PORT = 53;
    /** What the upstream resolver knows: a name outside the mesh, for the demo's dns step. */
    public static final Map<String, String> UPSTREAM_RECORDS = Map.of("outside.example", "192.0.2.80");
    public static final int AGENT_HEALTH_PORT = 15022;
    /** The local mesh's span collector (testbed's OtlpTestCollector), beside the controller on the underlay. */
    public static final int COLLECTOR_PORT = 4318;
    public static final String COLLECTOR_URL = "http://" + AddressPlan.CONTROLLER_IP + ":" + COLLECTOR_PORT;
    /**
     * The controller's service graph (docs/graph.md) as this host's browser reaches it: the controller's monitoring
     * port, forwarded from the underlay namespace to this host's loopback ({@link SocketForward}).
     */
    public static final String GRAPH_URL = "http://127.0.0.1:" + CONTROLLER_METRICS_PORT + "/graph/";
    /** The same page inside the underlay namespace, where the controller listens. */
    public static final String GRAPH_API_IN_UNDERLAY = "http://" + AddressPlan.CONTROLLER_IP + ":"
            + CONTROLLER_METRICS_PORT + "/graph/api/graph";
    /** What {@code nsenter --net=} enters to stay in this host's own network namespace. */
    private static final String OWN_NETNS = "/proc/self/ns/net";
    /** Rounds of the graph's scrapes: often, for a person watching the demo's steps. */
    static final Duration GRAPH_SCRAPE_INTERVAL = Duration.ofSeconds(2);
    /**
     * The tunnel runs with what the chart grants its container, CAP_BPF only (read the agent's pinned maps; kernels
     * 5.19+ need not even that), so the local mesh proves the chart's capability split.
     */
    private static final List<String> TUNNEL_CAPABILITIES =
            List.of("setpriv", "--bounding-set=-all,+bpf", "--inh-caps=-all", "--");
    private static final Duration START_DEADLINE = Duration.ofSeconds(90);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final String HELLO_IMAGE = "ambit.dev/samples/hello";
    private static final String SLEEP_IMAGE = "ambit.dev/samples/sleep";
    private static final String WAYPOINT_IMAGE = "ambit.dev/waypoint";

    private final Path workDir;
    private final String classpath;
    private final Path moduleDir;
    private final Path jvmOptionsDir;
    private final ClassDataArchives classData;
    private final LocalCgroups cgroups = LocalCgroups.onThisHost();
    private final Map<String, MeshProcess> processes = new LinkedHashMap<>();
    /** Config streams the controller served when it was last stopped: its restart waits for as many. */
    private long streamsBeforeStop;
    /** Per node, how many tunnels it has had: each has its own log and ready file. */
    private final Map<String, Integer> tunnelGenerations = new HashMap<>();
    private Manifests manifests;
    private Duration workloadCertTtl = Duration.ofHours(24);

    public LocalMesh(Path workDir, Path moduleDir) {
        this(workDir, moduleDir, Optional.empty());
    }

    /**
     * @param recordClassLists if present, the mesh processes record the classes they load there (for
     *                         {@link #writeRecordedClassLists}) instead of starting from their images' archives
     */
    public LocalMesh(Path workDir, Path moduleDir, Optional<Path> recordClassLists) {
        this.workDir = workDir.toAbsolutePath();
        this.classpath = MeshClasspath.of(moduleDir);
        this.moduleDir = moduleDir;
        this.jvmOptionsDir = MeshClasspath.jvmOptionsDir(moduleDir);
        this.classData = new ClassDataArchives(ClassDataArchives.listsDir(jvmOptionsDir),
                moduleDir.toAbsolutePath().resolve("target").resolve("cds"),
                image -> MeshClasspath.ofImage(moduleDir, image), recordClassLists);
    }

    public Path configDir() {
        return workDir.resolve("config");
    }

    public Path logs() {
        return workDir.resolve("logs");
    }

    public Manifests manifests() {
        return manifests;
    }

    /**
     * Builds everything {@code manifestsDir}'s YAML describes, after removing whatever an earlier run left. If any
     * of it fails, what was built is removed before the failure is thrown: no pod outlives a failed start.
     */
    public void up(Path manifestsDir) {
        down();
        classData.prepare();
        try {
            copyManifests(manifestsDir);
            manifests = Manifests.read(configDir());
            LocalNetwork.createNodes(manifests.nodes().size());
            for (LocalPod pod : manifests.pods()) {
                LocalNetwork.createPod(manifests.node(pod.node()).number(), podNetnsSuffix(pod), pod.ip(), pod.ipv6());
                // The kubelet makes the pod's cgroup before its sandbox (the agent finds the pod by it), and the
                // node's pods cgroup exists before the agent attaches to it.
                createDirectories(podCgroup(pod));
            }
            for (LocalNode node : manifests.nodes()) {
                createDirectories(cgroups.pods(node.number()));
            }
            exposeIngressGateway();
            writeTokens();
            startController();
            startCollector();
            startUpstreamResolver();
            forwardGraph();
            for (LocalNode node : manifests.nodes()) {
                startAgent(node.name());
                startTunnel(node.name());
            }
            // A node takes pods once its CNI is ready, which for the ambit plugin is once the node's agent has its
            // config: before that the plugin can neither ask the agent nor read which namespaces are ambient (the
            // agent writes that list from its config), and an ambient pod would start outside the mesh.
            for (LocalNode node : manifests.nodes()) {
                awaitAgentReady(node.name());
            }
            // As a kubelet does: each pod's sandbox gets its CNI ADD, then its containers start.
            PodSandboxes sandboxes = new PodSandboxes(workDir.resolve("run"));
            for (LocalPod pod : manifests.pods()) {
                sandboxes.add(pod, netnsOf(pod), cniSocket(pod.node()), ambientNamespacesFile(pod.node()), START_DEADLINE);
                startPod(pod);
            }
            for (LocalNode node : manifests.nodes()) {
                awaitTunnelReady(node.name());
            }
            log.info("event=local_mesh_up nodes={} pods={} work_dir={}", manifests.nodes().size(), manifests.pods().size(),
                    workDir);
        } catch (RuntimeException | Error e) {
            try {
                down();
            } catch (RuntimeException teardown) {
                e.addSuppressed(teardown);
            }
            throw e;
        }
    }

    /** Removes every process, namespace, cgroup and pin of the local mesh; fine to call when nothing is up. */
    public void down() {
        processes.values().forEach(process -> process.stop(Duration.ofSeconds(2)));
        processes.clear();
        tunnelGenerations.clear();
        removeEverything();
    }

    /** Removes what any run left, by name: its processes die with their cgroups. */
    public static void removeEverything() {
        LocalCgroups.onThisHost().removeAll();
        List<String> namespaces = LocalNetwork.removeAll();
        int pins = removePins();
        log.info("event=local_mesh_down namespaces={} pins={}", namespaces.size(), pins);
    }

    @Override
    public void close() {
        down();
    }

    /** What is up now: namespaces and processes, for {@code ambit-local status}. */
    public static List<String> status(LocalCgroups cgroups) {
        List<String> lines = new ArrayList<>();
        LocalNetwork.existing().forEach(netns -> lines.add("netns " + netns));
        if (Files.isDirectory(cgroups.root())) {
            try (Stream<Path> tree = Files.walk(cgroups.root())) {
                tree.filter(dir -> Files.isReadable(dir.resolve("cgroup.procs"))).forEach(dir -> {
                    String procs = read(dir.resolve("cgroup.procs")).strip().replace('\n', ' ');
                    if (!procs.isEmpty()) {
                        lines.add("cgroup " + cgroups.root().relativize(dir) + " pids " + procs);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return lines;
    }

    /**
     * Like {@code kubectl apply -f}: puts {@code file} into the watched directory under its own name, atomically (a
     * hidden temporary file, then a rename), so the controller never reads it half-written.
     */
    public void apply(Path file) {
        Path target = configDir().resolve(file.getFileName());
        Path temporary = configDir().resolve("." + file.getFileName() + ".tmp");
        try {
            Files.copy(file, temporary, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot apply " + file + ": " + e.getMessage(), e);
        }
    }

    /** Like {@code kubectl delete -f}: removes the file of that name from the watched directory. */
    public void delete(String fileName) {
        try {
            Files.deleteIfExists(configDir().resolve(fileName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a pod that was not in the manifests at {@link #up}, as a kubelet would: its network namespace and link
     * (the "network plugin"), its cgroup, then its sandbox's CNI ADD through the plugin binary, retried until
     * {@code addDeadline} (then this throws with the plugin's error). Its Pod object must be in the config directory
     * already. The pod runs nothing until {@link #runInPod(LocalPod, Class, List, Duration)}.
     */
    public void startPodNow(LocalPod pod, Duration addDeadline) {
        LocalNetwork.createPod(manifests.node(pod.node()).number(), podNetnsSuffix(pod), pod.ip(), pod.ipv6());
        createDirectories(podCgroup(pod));
        new PodSandboxes(workDir.resolve("run")).add(pod, netnsOf(pod), cniSocket(pod.node()),
                ambientNamespacesFile(pod.node()), addDeadline);
    }

    /**
     * Creates a pod's network namespace and link with no CNI ADD, as for a pod whose sandbox was created before the
     * plugin was installed or with it off: only the agent's asynchronous pass can enroll it, once
     * {@link #createPodCgroup} made its cgroup.
     */
    public void createPodNetworkWithoutCni(LocalPod pod) {
        LocalNetwork.createPod(manifests.node(pod.node()).number(), podNetnsSuffix(pod), pod.ip(), pod.ipv6());
    }

    /** Creates a pod's cgroup, as the kubelet does before the pod's containers. */
    public void createPodCgroup(LocalPod pod) {
        createDirectories(podCgroup(pod));
    }

    /** The node's steering as its agent pinned it, read from this process (root); close it after use. */
    public PinnedSteeringView steering(String nodeName) {
        return PinnedSteeringView.follow(pinRoot(nodeName), Duration.ofSeconds(1));
    }

    /** Removes a pod {@link #startPodNow} or {@link #createPodNetworkWithoutCni} started: CNI DEL, netns, cgroup. */
    public void removePodNow(LocalPod pod) {
        new PodSandboxes(workDir.resolve("run")).delete(pod, netnsOf(pod), cniSocket(pod.node()),
                ambientNamespacesFile(pod.node()));
        new Netns(netnsOf(pod)).delete();
        Cgroup2.removeTree(podCgroup(pod));
    }

    /** Runs a Java main in a pod {@link #startPodNow} started; returns its last line. */
    public String runInPod(LocalPod pod, Class<?> main, List<String> args, Duration timeout) {
        return MeshProcess.run(pod.name() + "-" + main.getSimpleName(), netnsOf(pod), podCgroup(pod),
                withPodResolvConf(pod, MeshClasspath.java(classpath, MeshClasspath.APP_JVM, main.getName(), args)),
                logs().resolve("runs").resolve(pod.name() + "-" + System.nanoTime() + ".log"), timeout);
    }

    /** Runs a Java main of the local mesh inside {@code namespace/name}'s netns and cgroup; returns its last line. */
    public String runInPod(String namespace, String name, Class<?> main, List<String> args, Duration timeout) {
        LocalPod pod = manifests.pod(namespace, name);
        return MeshProcess.run(name + "-" + main.getSimpleName(), netnsOf(pod), podCgroup(pod),
                withPodResolvConf(pod, MeshClasspath.java(classpath, MeshClasspath.APP_JVM, main.getName(), args)),
                logs().resolve("runs").resolve(name + "-" + System.nanoTime() + ".log"), timeout);
    }

    /** Starts a Java main of the local mesh inside {@code namespace/name}'s netns and cgroup, in the background. */
    public MeshProcess startInPod(String namespace, String name, Class<?> main, List<String> args) {
        LocalPod pod = manifests.pod(namespace, name);
        return MeshProcess.start(name + "-" + main.getSimpleName(), netnsOf(pod), podCgroup(pod),
                withPodResolvConf(pod, MeshClasspath.java(classpath, MeshClasspath.APP_JVM, main.getName(), args)),
                logs().resolve("runs").resolve(name + "-" + main.getSimpleName() + "-" + System.nanoTime() + ".log"));
    }

    /** GETs {@code url} from inside node {@code nodeName}'s namespace (e.g. its metrics). */
    public String fetchFromNode(String nodeName, String path) {
        int number = manifests.node(nodeName).number();
        return fetch(AddressPlan.nodeNetns(number), "http://" + AddressPlan.nodeIp(number) + path, Duration.ofSeconds(10));
    }

    /** GET {@code http://<pod ip><path>} inside the pod's network namespace (e.g. a waypoint's metrics). */
    public String fetchFromPod(String namespace, String name, String path) {
        LocalPod pod = manifests.pod(namespace, name);
        return fetch(netnsOf(pod), "http://" + pod.ip() + path, Duration.ofSeconds(10));
    }

    /** SIGTERM, as the kubelet stops a container; the steering stays pinned, the tunnel carries on. */
    public void stopAgent(String nodeName) {
        processes.remove(agentName(nodeName)).stop(STOP_GRACE);
    }

    /** SIGKILL, as a crash or an OOM kill would. */
    public void killAgent(String nodeName) {
        processes.remove(agentName(nodeName)).kill();
    }

    public void startAgent(String nodeName) {
        int number = manifests.node(nodeName).number();
        String name = agentName(nodeName);
        processes.put(name, MeshProcess.start(name, AddressPlan.nodeNetns(number), cgroups.agent(number),
                mesh("agent", "dev.ambit.nodeagent.NodeAgentMain", List.of("run",
                        "--node-name", nodeName,
                        // Pods reach their node through its bridge addresses, and the tunnel's connections to pods
                        // come from them: that is what STRICT pods must let in. One per family.
                        "--node-ip", AddressPlan.podGateway(number) + "," + AddressPlan.podGatewayIpv6(number),
                        "--controller", AddressPlan.CONTROLLER_IP + ":" + CONFIG_PORT,
                        "--ca", AddressPlan.CONTROLLER_IP + ":" + CA_PORT,
                        "--token-file", tokenFile(nodeName).toString(),
                        "--root-cert", roots().toString(),
                        "--pods-cgroup", cgroups.pods(number).toString(),
                        "--pin-root", pinRoot(nodeName).toString(),
                        // Nodes share this host: each agent's CNI socket and namespace list are its own.
                        "--cni-socket", cniSocket(nodeName).toString(),
                        "--ambient-namespaces-file", ambientNamespacesFile(nodeName).toString(),
                        "--health-address", AddressPlan.nodeIp(number))), logs().resolve(name + ".log")));
    }

    /** The node agent's list of ambient namespaces, which the CNI plugin reads when the agent is unreachable. */
    public Path ambientNamespacesFile(String nodeName) {
        return workDir.resolve("run").resolve(nodeName + "-ambient-namespaces");
    }

    /** The node agent's enroll endpoint for the CNI plugin (docs/cni.md). */
    public Path cniSocket(String nodeName) {
        return workDir.resolve("run").resolve(nodeName + "-cni.sock");
    }

    /** Waits for the agent's {@code :15022/healthz/ready}: its steering is loaded and the config applied. */
    public void awaitAgentReady(String nodeName) {
        int number = manifests.node(nodeName).number();
        awaitReady("agent " + nodeName, AddressPlan.nodeNetns(number),
                "http://" + AddressPlan.nodeIp(number) + ":" + AGENT_HEALTH_PORT + "/healthz/ready");
    }

    /** Starts the node's tunnel, which reads the agent's pins (waiting for them if the agent is not up yet). */
    public void startTunnel(String nodeName) {
        processes.put(tunnelName(nodeName), startTunnelProcess(nodeName));
    }

    /** Waits for the node's current tunnel to be ready: its ready file, which no predecessor can fake. */
    public void awaitTunnelReady(String nodeName) {
        awaitFile("tunnel " + nodeName, processes.get(tunnelName(nodeName)), readyFile(nodeName));
    }

    /** SIGKILL, as a crash or an OOM kill would: its connections end at once. */
    public void killTunnel(String nodeName) {
        processes.remove(tunnelName(nodeName)).kill();
    }

    /** SIGTERM: the tunnel stops accepting and drains its connections (up to its drain deadline), then exits. */
    public void stopTunnel(String nodeName) {
        processes.remove(tunnelName(nodeName)).stop(STOP_GRACE);
    }

    /**
     * Restarts the node's tunnel the way a surge rollout does, without a moment with no listener: a successor starts
     * beside the running tunnel (they share the ports, SO_REUSEPORT) and, once it is ready, the predecessor gets
     * SIGTERM and drains. Returns when the predecessor has exited.
     */
    public void handOverTunnel(String nodeName) {
        MeshProcess predecessor = processes.remove(tunnelName(nodeName));
        MeshProcess successor = startTunnelProcess(nodeName);
        processes.put(tunnelName(nodeName), successor);
        awaitTunnelReady(nodeName);
        predecessor.stop(STOP_GRACE);
        log.info("event=tunnel_handed_over node={} predecessor_pid={} successor_pid={}", nodeName, predecessor.pid(),
                successor.pid());
    }

    /** The node's tunnel logs, oldest first: one file per tunnel process the node has had. */
    public List<Path> tunnelLogs(String nodeName) {
        List<Path> files = new ArrayList<>();
        for (int generation = 1; generation <= tunnelGenerations.getOrDefault(nodeName, 0); generation++) {
            files.add(tunnelLog(nodeName, generation));
        }
        return files;
    }

    private MeshProcess startTunnelProcess(String nodeName) {
        int number = manifests.node(nodeName).number();
        int generation = tunnelGenerations.merge(nodeName, 1, Integer::sum);
        try {
            Files.deleteIfExists(readyFile(nodeName));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(TUNNEL_CAPABILITIES);
        command.addAll(mesh("tunnel", "dev.ambit.nodeagent.NodeAgentMain", List.of("tunnel",
                "--node-name", nodeName,
                "--controller", AddressPlan.CONTROLLER_IP + ":" + CONFIG_PORT,
                "--ca", AddressPlan.CONTROLLER_IP + ":" + CA_PORT,
                "--token-file", tokenFile(nodeName).toString(),
                "--root-cert", roots().toString(),
                "--pin-root", pinRoot(nodeName).toString(),
                "--drain-deadline", "PT5S",
                "--dns-upstream", AddressPlan.CONTROLLER_IP + ":" + UPSTREAM_DNS_PORT,
                "--ready-file", readyFile(nodeName).toString())));
        return MeshProcess.start(tunnelName(nodeName) + "-" + generation, AddressPlan.nodeNetns(number),
                cgroups.tunnel(number), command, tunnelLog(nodeName, generation));
    }

    /** The node agent's log (its {@code event=cni_request} lines show each pod's ADD). */
    public Path agentLog(String nodeName) {
        return logs().resolve(agentName(nodeName) + ".log");
    }

    private Path tunnelLog(String nodeName, int generation) {
        return logs().resolve(tunnelName(nodeName) + (generation == 1 ? "" : "-" + generation) + ".log");
    }

    private Path readyFile(String nodeName) {
        return workDir.resolve("run").resolve(tunnelName(nodeName) + "-" + tunnelGenerations.get(nodeName) + ".ready");
    }

    private Path pinRoot(String nodeName) {
        return PIN_BASE.resolve(nodeName);
    }

    private static String agentName(String nodeName) {
        return "agent-" + nodeName;
    }

    private static String tunnelName(String nodeName) {
        return "tunnel-" + nodeName;
    }

    /**
     * The longest workload certificate the controller signs (before {@link #up}); tunnels and waypoints renew at
     * half of it. Short lifetimes make rotations happen within a test.
     */
    public LocalMesh workloadCertificateTtl(Duration ttl) {
        this.workloadCertTtl = ttl;
        return this;
    }

    /** The pid of each running mesh process (controller, agents, tunnels, pods' processes), by name. */
    public Map<String, Long> processIds() {
        Map<String, Long> pids = new LinkedHashMap<>();
        processes.forEach((name, process) -> pids.put(name, process.pid()));
        return pids;
    }

    /**
     * Stops the controller; {@link #startController} then waits for as many config streams as were open now, so
     * that what follows a restart does not race the clients' reconnect backoff.
     */
    public void stopController() {
        streamsBeforeStop = connectedConfigStreams();
        processes.remove("controller").stop(STOP_GRACE);
    }

    public void startController() {
        try {
            Files.deleteIfExists(roots());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        processes.put("controller", MeshProcess.start("controller", AddressPlan.UNDERLAY_NETNS, cgroups.controller(),
                mesh("controller", "dev.ambit.control.ControllerMain", List.of(
                        "--config-dir", configDir().toString(),
                        "--listen-address", AddressPlan.CONTROLLER_IP,
                        "--bootstrap-tokens", workDir.resolve("tokens/bootstrap-tokens").toString(),
                        "--root-cert-out", roots().toString(),
                        // A CA kept across restarts, as the chart's Secret keeps it: a restarted controller
                        // signs under the root every tunnel already trusts.
                        "--ca-dir", workDir.resolve("ca").toString(),
                        "--max-workload-cert-ttl", workloadCertTtl.toString(),
                        "--graph-scrape-interval", GRAPH_SCRAPE_INTERVAL.toString(),
                        "--no-leader-election")), logs().resolve("controller.log")));
        awaitReady("controller", AddressPlan.UNDERLAY_NETNS,
                "http://" + AddressPlan.CONTROLLER_IP + ":" + CONTROLLER_METRICS_PORT + "/readyz");
        awaitConfigStreams(streamsBeforeStop);
    }

    /** The resolver the tunnels' DNS proxies forward names outside the mesh to, as a node's resolver. */
    private void startUpstreamResolver() {
        List<String> args = new ArrayList<>(List.of(AddressPlan.CONTROLLER_IP, String.valueOf(UPSTREAM_DNS_PORT)));
        UPSTREAM_RECORDS.forEach((name, address) -> args.add(name + "=" + address));
        MeshProcess resolver = MeshProcess.start("upstream-dns", AddressPlan.UNDERLAY_NETNS,
                cgroups.root().resolve("upstream-dns"),
                MeshClasspath.java(classpath, MeshClasspath.APP_JVM, UpstreamResolver.class.getName(), args),
                logs().resolve("upstream-dns.log"));
        processes.put("upstream-dns", resolver);
        resolver.awaitOutput("LISTENING", START_DEADLINE);
    }

    /**
     * {@code command} with the pod's own /etc/resolv.conf, as the kubelet writes one for each pod: the cluster DNS
     * address and the search path of the pod's namespace. It is bound in a mount namespace of the pod's process
     * (unshare execs, so the pid stays the command's), never on the host.
     */
    private List<String> withPodResolvConf(LocalPod pod, List<String> command) {
        Path resolvConf = workDir.resolve("resolv").resolve(pod.namespace() + ".conf");
        // Short timeouts: a pod whose DNS is not captured (outside the mesh) finds out in seconds, not a minute.
        String content = "nameserver " + AddressPlan.CLUSTER_DNS_IP + "\n"
                + "search " + pod.namespace() + ".svc." + CLUSTER_DOMAIN + " svc." + CLUSTER_DOMAIN + " "
                + CLUSTER_DOMAIN + "\noptions ndots:5 timeout:1 attempts:2\n";
        try {
            if (!Files.exists(resolvConf) || !Files.readString(resolvConf).equals(content)) {
                // Replaced whole, never rewritten in place: a pod starting meanwhile binds one complete file.
                Files.createDirectories(resolvConf.getParent());
                Path temporary = Files.createTempFile(resolvConf.getParent(), pod.namespace(), ".tmp");
                Files.writeString(temporary, content);
                Files.move(temporary, resolvConf, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + resolvConf, e);
        }
        List<String> wrapped = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount --bind \"$0\" /etc/resolv.conf && exec \"$@\"", resolvConf.toString()));
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * Waits until the controller serves {@code expected} config streams again: after a restart the tunnels, agents
     * and waypoints come back on their own reconnect backoff (jittered, up to 5 s), and until then they do not see
     * new config: a pod started in between would wait for config that is not coming.
     */
    private void awaitConfigStreams(long expected) {
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        long connected = connectedConfigStreams();
        while (connected < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the controller serves " + connected + " config streams "
                        + START_DEADLINE.toSeconds() + " s after its restart, " + expected
                        + " before it; see the logs in " + logs());
            }
            sleepQuietly(Duration.ofMillis(200));
            connected = connectedConfigStreams();
        }
        log.info("event=config_streams_reconnected streams={}", connected);
    }

    /** The controller's {@code ambit_control_connected_clients}, summed over kinds. */
    private long connectedConfigStreams() {
        String metrics = fetch(AddressPlan.UNDERLAY_NETNS,
                "http://" + AddressPlan.CONTROLLER_IP + ":" + CONTROLLER_METRICS_PORT + "/metrics", Duration.ofSeconds(10));
        return Math.round(MetricSample.parse(metrics).stream()
                .filter(sample -> sample.name().equals("ambit_control_connected_clients"))
                .mapToDouble(MetricSample::value).sum());
    }

    /** The OTLP collector the waypoints export their spans to; {@link #spans()} reads what it kept. */
    private void startCollector() {
        processes.put("collector", MeshProcess.start("collector", AddressPlan.UNDERLAY_NETNS, cgroups.controller(),
                MeshClasspath.java(classpath, MeshClasspath.APP_JVM, OtlpTestCollector.class.getName(),
                        List.of(AddressPlan.CONTROLLER_IP, String.valueOf(COLLECTOR_PORT))),
                logs().resolve("collector.log")));
        awaitReady("collector", AddressPlan.UNDERLAY_NETNS, COLLECTOR_URL + OtlpTestCollector.SPANS_PATH);
    }

    /** The spans the collector kept so far, as its JSON view. */
    public String spans() {
        return fetch(AddressPlan.UNDERLAY_NETNS, COLLECTOR_URL + OtlpTestCollector.SPANS_PATH, Duration.ofSeconds(10));
    }

    /**
     * Brings the controller's graph to {@link #GRAPH_URL} on this host: a forwarder inside the underlay namespace
     * from a Unix socket in the work directory to the controller, and one in this host's namespace from its loopback
     * to that socket. A link into the host's namespace would do too, but would route the mesh's addresses on the
     * host; a socket file routes nothing. Both die with the local mesh's cgroups.
     */
    private void forwardGraph() {
        Path socket = workDir.resolve("run").resolve("graph.sock");
        try {
            Files.deleteIfExists(logs().resolve("graph-forward-underlay.log"));
            Files.deleteIfExists(logs().resolve("graph-forward-host.log"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        MeshProcess inside = MeshProcess.start("graph-forward-underlay", AddressPlan.UNDERLAY_NETNS,
                cgroups.root().resolve("graph-forward"), MeshClasspath.java(classpath, MeshClasspath.APP_JVM,
                        SocketForward.class.getName(), List.of("unix:" + socket,
                                AddressPlan.CONTROLLER_IP + ":" + CONTROLLER_METRICS_PORT)),
                logs().resolve("graph-forward-underlay.log"));
        processes.put("graph-forward-underlay", inside);
        inside.awaitOutput("forwarding", START_DEADLINE);
        MeshProcess host = MeshProcess.start("graph-forward-host", OWN_NETNS, cgroups.root().resolve("graph-forward"),
                MeshClasspath.java(classpath, MeshClasspath.APP_JVM, SocketForward.class.getName(),
                        List.of("127.0.0.1:" + CONTROLLER_METRICS_PORT, "unix:" + socket)),
                logs().resolve("graph-forward-host.log"));
        processes.put("graph-forward-host", host);
        try {
            host.awaitOutput("forwarding", START_DEADLINE);
        } catch (RuntimeException e) {
            // The port may be taken on this host: the mesh works without the forward, the graph stays inside.
            log.warn("event=graph_forward_failed url={} log={} error=\"{}\"", GRAPH_URL, host.log(), e.getMessage());
        }
    }

    /** The controller's graph, as its API answers it (docs/graph.md), fetched inside the underlay namespace. */
    public String graphJson() {
        return fetch(AddressPlan.UNDERLAY_NETNS, GRAPH_API_IN_UNDERLAY, Duration.ofSeconds(10));
    }

    private void startPod(LocalPod pod) {
        List<String> command = switch (pod.image()) {
            case HELLO_IMAGE -> MeshClasspath.java(classpath, MeshClasspath.APP_JVM, HelloServer.class.getName(),
                    List.of(String.valueOf(pod.containerPort()), pod.env().getOrDefault("VERSION", "v1"), pod.name()));
            case WAYPOINT_IMAGE -> manifests.ingressGatewayOf(pod).isPresent() ? ingressCommand(pod)
                    : mesh("waypoint", "dev.ambit.waypoint.WaypointMain", gatewayArgs(pod,
                    pod.env().get("GATEWAY_NAMESPACE") + "/" + pod.env().get("GATEWAY_NAME")));
            case SLEEP_IMAGE -> null;
            case NGINX_IMAGE -> nginxCommand(pod);
            default -> throw new IllegalArgumentException("Pod " + pod.namespace() + "/" + pod.name() + ": image '"
                    + pod.image() + "' is not one of the local mesh's (" + HELLO_IMAGE + ", " + SLEEP_IMAGE + ", "
                    + WAYPOINT_IMAGE + ", " + NGINX_IMAGE + ")");
        };
        if (command != null) {
            String name = "pod-" + pod.namespace() + "-" + pod.name();
            processes.put(name, MeshProcess.start(name, netnsOf(pod), podCgroup(pod), withPodResolvConf(pod, command),
                    logs().resolve(name + ".log")));
        }
    }

    private List<String> mesh(String process, String mainClass, List<String> args) {
        List<String> jvm = new ArrayList<>(MeshClasspath.meshJvm(jvmOptionsDir, process));
        // After the options file, so that this host's archive replaces the image's path there.
        jvm.addAll(classData.flagsFor(process));
        // The processes' own logging set-up (no XML to parse at start), on stderr: each process's goes to its file.
        jvm.add("-D" + EventLogConfigurator.TARGET_PROPERTY + "=stderr");
        List<String> command = new ArrayList<>(MeshClasspath.MESH_ENVIRONMENT);
        command.addAll(MeshClasspath.java(MeshClasspath.ofImage(moduleDir, ClassDataArchives.imageOf(process)), jvm,
                mainClass, args));
        return command;
    }

    /** After a recording run has been taken down: the images' class lists, from what its processes loaded. */
    public void writeRecordedClassLists() {
        classData.writeRecordedLists();
    }

    private void awaitReady(String what, String netns, String url) {
        try {
            fetch(netns, url, START_DEADLINE);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(what + " did not become ready (" + url + "); see the logs in " + logs(), e);
        }
        log.info("event=ready component=\"{}\"", what);
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private void awaitFile(String what, MeshProcess process, Path file) {
        long deadline = System.nanoTime() + START_DEADLINE.toNanos();
        while (!Files.exists(file)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(what + " did not become ready (no " + file + "); see "
                        + process.log());
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what, e);
            }
        }
        log.info("event=ready component=\"{}\"", what);
    }

    private String fetch(String netns, String url, Duration wait) {
        Path log = logs().resolve("runs").resolve("fetch-" + System.nanoTime() + ".log");
        MeshProcess process = MeshProcess.start("fetch", netns, cgroups.root().resolve("probes"),
                MeshClasspath.java(classpath, MeshClasspath.APP_JVM, Fetch.class.getName(),
                        List.of(url, String.valueOf(wait.toSeconds()))), log);
        if (!process.awaitExit(wait.plusSeconds(10)) || process.exitCode() != 0) {
            throw new IllegalStateException("GET " + url + " in " + netns + " failed: " + tail(log));
        }
        return read(log);
    }

    private void copyManifests(Path manifestsDir) {
        try {
            Files.createDirectories(configDir());
            Files.createDirectories(logs().resolve("runs"));
            Files.createDirectories(workDir.resolve("run"));
            try (Stream<Path> stale = Files.list(workDir.resolve("run"))) {
                for (Path file : stale.toList()) {
                    Files.delete(file);
                }
            }
            try (Stream<Path> old = Files.list(configDir())) {
                for (Path file : old.toList()) {
                    Files.delete(file);
                }
            }
            try (Stream<Path> files = Files.list(manifestsDir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                    Files.copy(file, configDir().resolve(file.getFileName()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + configDir() + ": " + e.getMessage(), e);
        }
    }

    /** One bootstrap token per node, authenticating that node's agent (and its pods' processes) to the CA. */
    private void writeTokens() {
        SecureRandom random = new SecureRandom();
        StringBuilder bootstrap = new StringBuilder();
        try {
            Files.createDirectories(workDir.resolve("tokens"));
            for (LocalNode node : manifests.nodes()) {
                byte[] bytes = new byte[24];
                random.nextBytes(bytes);
                String token = HexFormat.of().formatHex(bytes);
                Files.writeString(tokenFile(node.name()), token + "\n");
                bootstrap.append(token).append(' ').append(node.name()).append('\n');
            }
            Files.writeString(workDir.resolve("tokens/bootstrap-tokens"), bootstrap);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path tokenFile(String nodeName) {
        return workDir.resolve("tokens").resolve(nodeName + ".token");
    }

    private Path roots() {
        return workDir.resolve("roots.pem");
    }

    private Path podCgroup(LocalPod pod) {
        return cgroups.pod(manifests.node(pod.node()).number(), pod.uid());
    }

    private static void createDirectories(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
    }

    private static String netnsOf(LocalPod pod) {
        return AddressPlan.PREFIX + podNetnsSuffix(pod);
    }

    private static String podNetnsSuffix(LocalPod pod) {
        return pod.namespace() + "-" + pod.name();
    }

    private static int removePins() {
        if (!Files.isDirectory(PIN_BASE)) {
            return 0;
        }
        int removed = 0;
        try (Stream<Path> nodes = Files.list(PIN_BASE)) {
            for (Path pinRoot : nodes.toList()) {
                removed += BpfRedirector.uninstall(pinRoot);
            }
            Files.deleteIfExists(PIN_BASE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove pins under " + PIN_BASE + ": " + e.getMessage(), e);
        }
        return removed;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tail(Path file) {
        String text = Files.exists(file) ? read(file).strip() : "";
        return text.substring(Math.max(0, text.length() - 400));
    }

    // ---- The ingress gateway and nginx (docs/ingress.md, "In the local mesh"): pods that need more than a command
    // line, namely an address from outside, mounted Secrets and ConfigMaps.

    /** Debian's nginx, run for pods of image {@value #NGINX_IMAGE}. */
    private static final String NGINX_IMAGE = "nginx";
    private static final String NGINX_BINARY = "/usr/sbin/nginx";

    /**
     * Gives the ingress gateway's pod (a pod of the waypoint image running an {@code ambit-ingress} Gateway) the load
     * balancer address {@link AddressPlan#INGRESS_IP}, routed to it from the underlay, as a LoadBalancer Service's IP
     * reaches a cluster's gateway. One ingress gateway at most: there is one such address.
     */
    private void exposeIngressGateway() {
        List<LocalPod> gateways = manifests.pods().stream().filter(pod -> WAYPOINT_IMAGE.equals(pod.image())
                && manifests.ingressGatewayOf(pod).isPresent()).toList();
        if (gateways.size() > 1) {
            throw new IllegalArgumentException("the local mesh gives one ingress gateway pod the load balancer address "
                    + AddressPlan.INGRESS_IP + "; the manifests have " + gateways.size());
        }
        for (LocalPod pod : gateways) {
            LocalNetwork.routeLoadBalancerAddress(AddressPlan.INGRESS_IP, manifests.node(pod.node()).number(),
                    netnsOf(pod), pod.ip());
        }
    }

    /**
     * What a waypoint and an ingress gateway are both started with: their Gateway and node, the controller and their
     * credentials, and every request's spans to the local collector (the chart's tracing values). No
     * {@code --listen-address}, as the controller's deployer gives none: both listen on every address of their pod,
     * {@code ::} taking both families, so a waypoint's IPv6 address reaches its HBONE listener as its IPv4 one does,
     * and an ingress gateway's load balancer address reaches its listeners.
     */
    private List<String> gatewayArgs(LocalPod pod, String gateway) {
        return new ArrayList<>(List.of(
                "--gateway", gateway,
                "--node-name", pod.node(),
                "--controller", AddressPlan.CONTROLLER_IP + ":" + CONFIG_PORT,
                "--ca", AddressPlan.CONTROLLER_IP + ":" + CA_PORT,
                "--token-file", tokenFile(pod.node()).toString(),
                "--root-cert", roots().toString(),
                TracingSettings.ENDPOINT_FLAG, COLLECTOR_URL,
                TracingSettings.SAMPLING_FLAG, "1"));
    }

    /**
     * The waypoint process in its ingress role, with the flags the controller's deployer gives it in a cluster: one
     * {@code --listener} per listener of its Gateway, the certificates' Secrets mounted as files.
     */
    private List<String> ingressCommand(LocalPod pod) {
        Manifests.LocalGateway gateway = manifests.ingressGatewayOf(pod).orElseThrow();
        List<String> args = gatewayArgs(pod, gateway.namespace() + "/" + gateway.name());
        args.add("--ingress");
        for (Manifests.LocalListener listener : gateway.listeners()) {
            StringBuilder flag = new StringBuilder("--listener=").append(listener.name()).append(',')
                    .append(listener.protocol()).append(',').append(listener.port()).append(',')
                    .append(listener.hostname());
            for (String secret : listener.certificateSecrets()) {
                flag.append(',').append(mountSecret(gateway.namespace(), secret));
            }
            args.add(flag.toString());
        }
        return mesh("waypoint", "dev.ambit.waypoint.WaypointMain", args);
    }

    /**
     * The directory of a Secret's files ({@code tls.crt}, {@code tls.key}, ...) as a kubelet mounts it, written from
     * the manifests (again) first.
     */
    public Path mountSecret(String namespace, String name) {
        Path directory = workDir.resolve("secrets").resolve(namespace + "-" + name);
        try {
            Files.createDirectories(directory);
            for (Map.Entry<String, byte[]> file : manifests.secret(namespace, name).entrySet()) {
                Files.write(directory.resolve(file.getKey()), file.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot mount Secret " + namespace + "/" + name + ": " + e.getMessage(), e);
        }
        return directory;
    }

    /**
     * nginx as the nginx image runs it, the pod's ConfigMap in {@code conf.d}, with everything it writes (pid, logs,
     * temp files) under the work directory: the host's {@code /etc/nginx}, {@code /var/log/nginx} and ports stay
     * untouched (it listens inside its pod's namespace). In the foreground, so SIGTERM (down) stops it.
     */
    private List<String> nginxCommand(LocalPod pod) {
        Path prefix = workDir.resolve("pods").resolve(podNetnsSuffix(pod));
        Path sites = prefix.resolve("conf.d");
        String name = "pod-" + pod.namespace() + "-" + pod.name();
        Path errorLog = logs().resolve(name + "-error.log");
        try {
            Files.createDirectories(sites);
            for (Map.Entry<String, String> file : manifests.configMapOf(pod).entrySet()) {
                Files.writeString(sites.resolve(file.getKey()), file.getValue());
            }
            Files.writeString(prefix.resolve("nginx.conf"), """
                    daemon off;
                    # The local mesh runs every pod's processes as root; workers too, so they reach the work dir.
                    user root;
                    worker_processes 1;
                    pid %1$s/nginx.pid;
                    error_log %2$s notice;
                    events {
                        worker_connections 256;
                    }
                    http {
                        access_log %3$s;
                        client_body_temp_path %1$s/client_body;
                        proxy_temp_path %1$s/proxy;
                        fastcgi_temp_path %1$s/fastcgi;
                        uwsgi_temp_path %1$s/uwsgi;
                        scgi_temp_path %1$s/scgi;
                        include %1$s/conf.d/*.conf;
                    }
                    """.formatted(prefix, errorLog, logs().resolve(name + "-access.log")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write nginx's config under " + prefix + ": " + e.getMessage(), e);
        }
        return List.of(NGINX_BINARY, "-p", prefix + "/", "-c", prefix.resolve("nginx.conf").toString(),
                "-e", errorLog.toString());
    }

    /**
     * Runs a Java main of the local mesh on the underlay, outside every pod and outside the mesh, as a client on the
     * load balancer's network; returns its last line.
     */
    public String runOnUnderlay(Class<?> main, List<String> args, Duration timeout) {
        return MeshProcess.run("underlay-" + main.getSimpleName(), AddressPlan.UNDERLAY_NETNS,
                cgroups.root().resolve("underlay"), MeshClasspath.java(classpath, MeshClasspath.APP_JVM,
                        main.getName(), args),
                logs().resolve("runs").resolve("underlay-" + System.nanoTime() + ".log"), timeout);
    }
}
