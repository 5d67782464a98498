package dev.ambit.nodeagent.cni;

import static dev.ambit.nodeagent.testing.TestPod.SERVICE_VIP4;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.workload.DataplaneMode;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.host.Cgroup2;
import dev.ambit.nodeagent.enroll.PodCgroupLocator;
import dev.ambit.nodeagent.enroll.PodReconciler;
import dev.ambit.nodeagent.redirect.BpfRedirector;
import dev.ambit.nodeagent.redirect.EnrolledPod;
import dev.ambit.nodeagent.redirect.PodMode;
import dev.ambit.nodeagent.testing.Probe;
import dev.ambit.nodeagent.testing.RequiresPrivileges;
import dev.ambit.nodeagent.testing.TestNode;
import dev.ambit.nodeagent.testing.TestPod;
import dev.ambit.ztunnel.config.TunnelConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CNI enroll endpoint on the real kernel: a pod (network namespace + cgroup) whose process exists before ADD and
 * connects the moment ADD has returned is steered into the tunnel stand-in, as the kubelet's sandbox would be.
 */
@RequiresPrivileges
class CniEnrollTest {

    private static final String NODE = "node-a";
    private static final SpiffeId CART = SpiffeId.of("cluster.local", "shop", "cart");
    private static final Duration MAX_WAIT = Duration.ofSeconds(3);

    @TempDir
    Path dir;
    private TestNode node;
    private TestPod pod;
    private Probe tunnel4;
    private BpfRedirector redirector;
    private ScheduledExecutorService enrollmentThread;
    private PodAdmission admission;
    private CniServer server;
    private CniClient client;
    private final List<Set<String>> namespaceLists = new ArrayList<>();

    @BeforeEach
    void startAgentSide() {
        node = TestNode.create();
        pod = node.addPod();
        tunnel4 = node.track(node.probe("serve", TestNode.tunnelIpv4(), "0"));
        InetSocketAddress tunnel = new InetSocketAddress(TestNode.tunnelIpv4(), Integer.parseInt(tunnel4.await("LISTENING")[1]));
        redirector = node.track(BpfRedirector.start(node.config(tunnel, null, false)));
        PodCgroupLocator locator = new PodCgroupLocator(node.podsCgroup());
        enrollmentThread = Executors.newSingleThreadScheduledExecutor();
        node.track((AutoCloseable) enrollmentThread::shutdownNow);
        admission = new PodAdmission(NODE, new PodReconciler(redirector.enroller(), locator), locator, enrollmentThread,
                MAX_WAIT, namespaces -> {
                    namespaceLists.add(namespaces);
                    new AmbientNamespacesFile(dir.resolve("ambient-namespaces")).accept(namespaces);
                });
        server = node.track(CniServer.bind(dir.resolve("cni.sock"), admission));
        client = new CniClient(server.path(), Duration.ofSeconds(10));
    }

    @AfterEach
    void removeEverything() {
        node.close();
    }

    @Test
    void aPodThatConnectsTheMomentAddReturnsIsTunnelled() throws IOException {
        push(workload(podUid(), "shop", "cart", DataplaneMode.AMBIENT, NODE));
        try (Probe app = pod.probe("connect-on-go", SERVICE_VIP4, "80")) {
            app.await("READY");

            CniAnswer answer = client.call(add("shop", "cart", podUid()));
            app.tell("go");

            assertEquals(CniAnswer.Result.ENROLLED, answer.result(), answer.message());
            assertEquals(Cgroup2.id(pod.cgroup()), answer.cgroupId());
            app.await("CONNECTED");
            String[] accepted = tunnel4.await("ACCEPT");
            assertEquals(List.of(pod.ipv4(), SERVICE_VIP4, "80"), List.of(accepted[1], accepted[3], accepted[4]),
                    "the pod's first connection reached the tunnel with its original destination");
        }
        assertEquals(List.of(new EnrolledPod(Cgroup2.id(pod.cgroup()), List.of(address(pod.ipv4())), CART,
                PodMode.PERMISSIVE)), redirector.enroller().enrolledPods(), "enrolled with the addresses ADD reported");
    }

    @Test
    void anAddForAPodConfigDoesNotNameYetWaitsForItAndIsAnsweredWhenItArrives() throws Exception {
        push(workload("other-uid", "shop", "other", DataplaneMode.AMBIENT, "node-b"));
        CompletableFuture<CniAnswer> waiting = admission.handle(add("shop", "cart", podUid()));
        // Answered at once, on the same enrollment thread, so after the first ADD was looked at.
        CniAnswer elsewhere = admission.handle(add("plain", "web", "web-uid")).get(5, TimeUnit.SECONDS);
        assertEquals(CniAnswer.Result.NOT_AMBIENT, elsewhere.result(), elsewhere.message());
        assertFalse(waiting.isDone(), "a pod of an ambient namespace that config does not name yet is waited for");

        push(workload("other-uid", "shop", "other", DataplaneMode.AMBIENT, "node-b"),
                workload(podUid(), "shop", "cart", DataplaneMode.AMBIENT, NODE));

        CniAnswer answer = waiting.get(5, TimeUnit.SECONDS);
        assertEquals(CniAnswer.Result.ENROLLED, answer.result(), answer.message());
        try (Probe app = pod.probe("connect", SERVICE_VIP4, "80")) {
            app.await("CONNECTED");
            assertEquals(SERVICE_VIP4, tunnel4.await("ACCEPT")[3]);
        }
    }

    @Test
    void aPodConfigNeverNamesIsRefusedAfterTheBoundedWait() throws Exception {
        push(workload("other-uid", "shop", "other", DataplaneMode.AMBIENT, NODE));
        long started = System.nanoTime();

        CniAnswer answer = client.call(add("shop", "cart", podUid()));

        assertEquals(CniAnswer.Result.FAILED, answer.result());
        assertTrue(answer.message().contains("is not in the agent's config after 3000 ms"), answer.message());
        assertTrue(System.nanoTime() - started >= MAX_WAIT.toNanos(), "waited the whole bound");
        assertEquals(List.of(), redirector.enroller().enrolledPods());
    }

    @Test
    void podsOutsideTheMeshAreAnsweredAtOnceAndNotEnrolled() throws Exception {
        push(workload("other-uid", "shop", "other", DataplaneMode.AMBIENT, NODE),
                workload(podUid(), "plain", "web", DataplaneMode.NONE, NODE));

        CniAnswer known = client.call(add("plain", "web", podUid()));
        CniAnswer unknown = client.call(add("elsewhere", "job", "job-uid"));

        assertEquals(CniAnswer.Result.NOT_AMBIENT, known.result(), known.message());
        assertEquals(CniAnswer.Result.NOT_AMBIENT, unknown.result(), unknown.message());
        assertEquals(List.of(), redirector.enroller().enrolledPods());
        assertEquals(List.of(Set.of("shop")), namespaceLists);
        assertEquals("shop\n", Files.readString(dir.resolve("ambient-namespaces")));
    }

    @Test
    void delLetsThePodGo() throws Exception {
        push(workload(podUid(), "shop", "cart", DataplaneMode.AMBIENT, NODE));
        assertEquals(CniAnswer.Result.ENROLLED, client.call(add("shop", "cart", podUid())).result());

        CniAnswer released = client.call(new CniRequest(CniRequest.Command.DEL, "shop", "cart", podUid(), "c1",
                "/var/run/netns/x", Optional.empty(), List.of()));

        assertEquals(CniAnswer.Result.RELEASED, released.result(), released.message());
        assertEquals(List.of(), redirector.enroller().enrolledPods());
        try (Probe app = pod.probe("connect", SERVICE_VIP4, "80")) {
            app.await("FAILED");
        }
    }

    @Test
    void theCniPluginEnrollsThePodThroughTheAgentsSocketBeforeItsFirstConnection() throws Exception {
        push(workload(podUid(), "shop", "cart", DataplaneMode.AMBIENT, NODE));
        try (Probe app = pod.probe("connect-on-go", SERVICE_VIP4, "80")) {
            app.await("READY");

            PluginRun add = runPlugin("ADD", "shop", "cart");
            app.tell("go");

            assertEquals(0, add.exit(), add.stdout());
            assertTrue(add.stdout().contains("\"address\":\"" + pod.ipv4() + "/24\""), "prevResult passed through");
            app.await("CONNECTED");
            assertEquals(List.of(pod.ipv4(), SERVICE_VIP4), List.of(tunnel4.await("ACCEPT")[1], SERVICE_VIP4));
        }
    }

    @Test
    void withTheAgentStoppedAnAmbientPodDoesNotStartAndStartsTunnelledOnceTheAgentIsBack() throws Exception {
        push(workload(podUid(), "shop", "cart", DataplaneMode.AMBIENT, NODE),
                workload("plain-uid", "plain", "web", DataplaneMode.NONE, NODE));
        server.close();
        assertTrue(Files.exists(dir.resolve("ambient-namespaces")), "the agent's list outlives it");

        PluginRun refused = runPlugin("ADD", "shop", "cart");
        PluginRun outsider = runPlugin("ADD", "plain", "web");

        assertEquals(1, refused.exit(), refused.stdout());
        assertTrue(refused.stdout().contains("\"code\":11,"), refused.stdout());
        assertTrue(refused.stdout().contains("pod shop/cart is in ambient namespace shop and cannot reach the node agent"),
                refused.stdout());
        assertEquals(0, outsider.exit(), "a pod of another namespace starts: " + outsider.stdout());
        assertEquals(List.of(), redirector.enroller().enrolledPods());

        server = node.track(CniServer.bind(dir.resolve("cni.sock"), admission));
        try (Probe app = pod.probe("connect-on-go", SERVICE_VIP4, "80")) {
            app.await("READY");
            PluginRun retried = runPlugin("ADD", "shop", "cart");
            app.tell("go");

            assertEquals(0, retried.exit(), retried.stdout());
            app.await("CONNECTED");
            assertEquals(SERVICE_VIP4, tunnel4.await("ACCEPT")[3]);
        }
    }

    @Test
    void aMalformedRequestIsRefusedWithTheReason() {
        IOException unreachable = assertThrows(IOException.class,
                () -> new CniClient(dir.resolve("nobody.sock"), Duration.ofSeconds(1)).call(add("shop", "cart", "x")));
        assertTrue(unreachable.getMessage() != null, "the plugin can say why");
        assertThrows(IllegalArgumentException.class, () -> CniRequest.parse("{\"command\":\"ADD\"}"));
        assertThrows(IllegalArgumentException.class, () -> CniRequest.parse("{\"command\":\"NOPE\",\"namespace\":\"a\",\"name\":\"b\"}"));
    }

    record PluginRun(int exit, String stdout) {
    }

    /** The C plugin as the runtime runs it, chained after a network plugin that gave the pod its address. */
    private PluginRun runPlugin(String command, String namespace, String name) throws Exception {
        Path binary = dir.resolve("ambit-cni");
        if (!Files.exists(binary)) {
            try (var in = CniEnrollTest.class.getResourceAsStream("/dev/ambit/cni/ambit-cni")) {
                Files.copy(in, binary);
            }
            binary.toFile().setExecutable(true);
        }
        String config = "{\"cniVersion\":\"1.0.0\",\"name\":\"test\",\"type\":\"ambit-cni\",\"socket\":\""
                + dir.resolve("cni.sock") + "\",\"ambientNamespacesFile\":\"" + dir.resolve("ambient-namespaces")
                + "\",\"timeoutMs\":5000,\"prevResult\":{\"cniVersion\":\"1.0.0\",\"ips\":[{\"address\":\""
                + pod.ipv4() + "/24\"}]}}";
        ProcessBuilder builder = new ProcessBuilder(binary.toString());
        builder.environment().put("CNI_COMMAND", command);
        builder.environment().put("CNI_CONTAINERID", "c1");
        builder.environment().put("CNI_NETNS", "/var/run/netns/x");
        builder.environment().put("CNI_IFNAME", "eth0");
        builder.environment().put("CNI_ARGS", "K8S_POD_NAMESPACE=" + namespace + ";K8S_POD_NAME=" + name
                + ";K8S_POD_UID=" + (namespace.equals("shop") ? podUid() : "plain-uid"));
        Process process = builder.redirectError(ProcessBuilder.Redirect.DISCARD).start();
        process.getOutputStream().write(config.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String stdout = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(process.waitFor(20, TimeUnit.SECONDS));
        return new PluginRun(process.exitValue(), stdout);
    }

    /** The test pod's cgroup is {@code pod1}: the UID the kubelet would have put in its name. */
    private String podUid() {
        return PodCgroupLocator.uidOf(pod.cgroup()).orElseThrow();
    }

    private CniRequest add(String namespace, String name, String uid) {
        return new CniRequest(CniRequest.Command.ADD, namespace, name, uid, "c1", "/var/run/netns/x", Optional.empty(),
                List.of(address(pod.ipv4())));
    }

    private void push(Workload... workloads) {
        TunnelConfig config = TunnelConfig.builder().rootNamespace("ambit-system").workloads(List.of(workloads)).build();
        try {
            enrollmentThread.submit(() -> admission.configChanged(config)).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** As the controller publishes a pod scheduled to a node before it has an address. */
    private static Workload workload(String uid, String namespace, String name, DataplaneMode mode, String nodeName) {
        return new Workload(uid, NamespacedName.of(namespace, name), SpiffeId.of("cluster.local", namespace, name),
                nodeName, List.of(), mode,
                mode == DataplaneMode.AMBIENT ? Optional.of(new InetSocketAddress(address("172.18.0.2"), 15008))
                        : Optional.empty(),
                Optional.empty(), Map.of(), name, "v1", List.of());
    }

    private static InetAddress address(String ip) {
        try {
            return InetAddress.getByName(ip);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
