package dev.ambit.cni;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C plugin as the container runtime runs it: network configuration on stdin, CNI_* in the environment, the
 * result or a CNI error on stdout. The node agent is a stand-in on a Unix socket that records the request and gives
 * a chosen answer (or none).
 */
class AmbitCniPluginTest {

    private static final String PREV_RESULT = """
            {"cniVersion":"1.0.0","interfaces":[{"name":"eth0","sandbox":"/var/run/netns/cni-1"}],\
            "ips":[{"address":"10.244.1.5/24","gateway":"10.244.1.1","interface":0},{"address":"fd00::5/64"}],\
            "dns":{}}""";

    @TempDir
    Path dir;
    private FakeAgent agent;

    @AfterEach
    void stopAgent() throws IOException {
        if (agent != null) {
            agent.close();
        }
    }

    @Test
    void versionListsTheSpecVersions() {
        Run run = run("VERSION", "", Map.of());
        assertEquals(0, run.exit);
        assertTrue(run.stdout.contains("\"supportedVersions\":[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\",\"1.1.0\"]"), run.stdout);
    }

    @Test
    void addAsksTheAgentAndPassesThePreviousResultThroughOnceEnrolled() throws Exception {
        agent = FakeAgent.answering(dir.resolve("cni.sock"), "{\"result\":\"enrolled\",\"cgroupId\":7,\"message\":\"ok\"}");

        Run run = run("ADD", config(""), podEnv("shop", "cart-0"));

        assertEquals(0, run.exit, run.stdout);
        assertEquals(PREV_RESULT, run.stdout.strip(), "a chained plugin's result is its prevResult");
        assertEquals("{\"command\":\"ADD\",\"namespace\":\"shop\",\"name\":\"cart-0\",\"uid\":\"5b1f-uid\","
                + "\"containerId\":\"c0ffee\",\"netns\":\"/var/run/netns/cni-1\","
                + "\"addresses\":[\"10.244.1.5\",\"fd00::5\"]}", agent.requests.poll(5, TimeUnit.SECONDS));
    }

    @Test
    void aPodTheAgentSaysIsNotAmbientStarts() {
        agent = FakeAgent.answering(dir.resolve("cni.sock"), "{\"result\":\"not_ambient\",\"message\":\"plain namespace\"}");

        Run run = run("ADD", config(""), podEnv("plain", "web"));

        assertEquals(0, run.exit, run.stdout);
        assertEquals(PREV_RESULT, run.stdout.strip());
    }

    @Test
    void addFailsWithTheAgentsReasonWhenItCannotEnrollThePod() {
        agent = FakeAgent.answering(dir.resolve("cni.sock"),
                "{\"result\":\"failed\",\"message\":\"pod shop/cart-0 (uid 5b1f-uid) is not in the agent's config after 5000 ms\"}");

        Run run = run("ADD", config(""), podEnv("shop", "cart-0"));

        assertEquals(1, run.exit);
        assertTrue(run.stdout.startsWith("{\"cniVersion\":\"1.0.0\",\"code\":100,\"msg\":\"ambit-cni: the node agent did not"
                + " enroll pod shop/cart-0: pod shop/cart-0 (uid 5b1f-uid) is not in the agent'"), run.stdout);
    }

    @Test
    void withTheAgentUnreachableAPodOfAnAmbientNamespaceDoesNotStart() throws IOException {
        Files.writeString(dir.resolve("ambient-namespaces"), "bank\nshop\n");

        Run run = run("ADD", config(""), podEnv("shop", "cart-0"));

        assertEquals(1, run.exit);
        assertTrue(run.stdout.contains("\"code\":11,"), "try again later: " + run.stdout);
        assertTrue(run.stdout.contains("pod shop/cart-0 is in ambient namespace shop and cannot reach the node agent at "
                + dir.resolve("cni.sock")), run.stdout);
    }

    @Test
    void withTheAgentUnreachableAPodOfAnotherNamespaceStartsAtOnce() throws IOException {
        Files.writeString(dir.resolve("ambient-namespaces"), "bank\nshop\n");
        long started = System.nanoTime();

        Run run = run("ADD", config(""), podEnv("shopping", "web"));

        assertEquals(0, run.exit, run.stdout);
        assertEquals(PREV_RESULT, run.stdout.strip());
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < 2000, "did not wait for the timeout");
    }

    @Test
    void anAgentThatDoesNotAnswerInTimeFailsAnAmbientPodAfterTheTimeout() throws IOException {
        Files.writeString(dir.resolve("ambient-namespaces"), "shop\n");
        agent = FakeAgent.silent(dir.resolve("cni.sock"));
        long started = System.nanoTime();

        Run run = run("ADD", config(",\"timeoutMs\":300"), podEnv("shop", "cart-0"));

        assertEquals(1, run.exit);
        assertTrue(run.stdout.contains("no answer from the node agent at " + dir.resolve("cni.sock") + " within 300 ms"),
                run.stdout);
        assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) >= 300);
    }

    @Test
    void failClosedFalseLetsTheAmbientPodStartOutsideTheMesh() throws IOException {
        Files.writeString(dir.resolve("ambient-namespaces"), "shop\n");

        Run unreachable = run("ADD", config(",\"failClosed\":false"), podEnv("shop", "cart-0"));
        agent = FakeAgent.answering(dir.resolve("cni.sock"), "{\"result\":\"failed\",\"message\":\"no cgroup\"}");
        Run refused = run("ADD", config(",\"failClosed\":false"), podEnv("shop", "cart-0"));

        assertEquals(0, unreachable.exit, unreachable.stdout);
        assertEquals(0, refused.exit, refused.stdout);
        assertEquals(PREV_RESULT, refused.stdout.strip());
    }

    @Test
    void delTellsTheAgentAndNeverFails() throws Exception {
        Files.writeString(dir.resolve("ambient-namespaces"), "shop\n");
        Run unreachable = run("DEL", config(""), podEnv("shop", "cart-0"));
        agent = FakeAgent.answering(dir.resolve("cni.sock"), "{\"result\":\"released\",\"message\":\"bye\"}");
        Run told = run("DEL", config(""), podEnv("shop", "cart-0"));

        assertEquals(0, unreachable.exit, unreachable.stdout);
        assertEquals(0, told.exit, told.stdout);
        assertEquals("", told.stdout);
        assertTrue(agent.requests.poll(5, TimeUnit.SECONDS).startsWith("{\"command\":\"DEL\",\"namespace\":\"shop\""));
    }

    @Test
    void aSandboxThatIsNoKubernetesPodPassesThrough() {
        Files.exists(dir);
        Run run = run("ADD", config(""), Map.of("CNI_CONTAINERID", "x", "CNI_NETNS", "/var/run/netns/x"));
        assertEquals(0, run.exit);
        assertEquals(PREV_RESULT, run.stdout.strip());
    }

    @Test
    void aPreviousResultWithoutItsVersionGetsTheConfigsVersion() {
        agent = FakeAgent.answering(dir.resolve("cni.sock"), "{\"result\":\"not_ambient\",\"message\":\"\"}");
        String config = "{\"cniVersion\":\"0.4.0\",\"name\":\"k8s\",\"type\":\"ambit-cni\",\"socket\":\""
                + dir.resolve("cni.sock") + "\",\"prevResult\":{\"ips\":[]}}";

        Run run = run("ADD", config, podEnv("plain", "web"));

        assertEquals("{\"cniVersion\":\"0.4.0\",\"ips\":[]}", run.stdout.strip());
    }

    @Test
    void malformedConfigurationIsADecodingError() {
        Run run = run("ADD", "{\"cniVersion\":\"1.0.0\",", podEnv("shop", "cart-0"));
        assertEquals(1, run.exit);
        assertTrue(run.stdout.contains("\"code\":6,"), run.stdout);
    }

    // ---- helpers ----

    private String config(String extra) {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"k8s-pod-network\",\"type\":\"ambit-cni\",\"socket\":\""
                + dir.resolve("cni.sock") + "\",\"ambientNamespacesFile\":\"" + dir.resolve("ambient-namespaces")
                + "\"" + extra + ",\"prevResult\":" + PREV_RESULT + "}";
    }

    private static Map<String, String> podEnv(String namespace, String name) {
        return Map.of("CNI_CONTAINERID", "c0ffee", "CNI_NETNS", "/var/run/netns/cni-1", "CNI_IFNAME", "eth0",
                "CNI_PATH", "/opt/cni/bin",
                "CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAMESPACE=" + namespace + ";K8S_POD_NAME=" + name
                        + ";K8S_POD_INFRA_CONTAINER_ID=c0ffee;K8S_POD_UID=5b1f-uid");
    }

    record Run(int exit, String stdout) {
    }

    static Path binary() {
        try {
            return Path.of(AmbitCniPluginTest.class.getResource("/dev/ambit/cni/ambit-cni").toURI());
        } catch (Exception e) {
            throw new IllegalStateException("the plugin binary is built into target/classes by the module's build", e);
        }
    }

    private static Run run(String command, String stdin, Map<String, String> env) {
        ProcessBuilder builder = new ProcessBuilder(binary().toString());
        Map<String, String> environment = builder.environment();
        environment.clear();
        environment.putAll(new HashMap<>(env));
        environment.put("CNI_COMMAND", command);
        try {
            Process process = builder.redirectError(ProcessBuilder.Redirect.DISCARD).start();
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().close();
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(process.waitFor(20, TimeUnit.SECONDS));
            return new Run(process.exitValue(), stdout);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The agent's socket: records each request line and answers it (or never does). */
    static final class FakeAgent implements AutoCloseable {

        final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
        private final ServerSocketChannel server;
        private final Optional<String> answer;
        private final CountDownLatch closed = new CountDownLatch(1);

        private FakeAgent(Path path, Optional<String> answer) {
            this.answer = answer;
            try {
                server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                server.bind(UnixDomainSocketAddress.of(path));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread thread = new Thread(this::serve, "fake-agent");
            thread.setDaemon(true);
            thread.start();
        }

        static FakeAgent answering(Path path, String answer) {
            return new FakeAgent(path, Optional.of(answer));
        }

        static FakeAgent silent(Path path) {
            return new FakeAgent(path, Optional.empty());
        }

        private void serve() {
            while (server.isOpen()) {
                try (SocketChannel connection = server.accept()) {
                    ByteBuffer in = ByteBuffer.allocate(8192);
                    while (connection.read(in) > 0 && in.get(in.position() - 1) != '\n') {
                        // until the request's newline
                    }
                    requests.add(new String(in.array(), 0, in.position(), StandardCharsets.UTF_8).strip());
                    if (answer.isEmpty()) {
                        closed.await();
                        continue;
                    }
                    connection.write(ByteBuffer.wrap((answer.get() + "\n").getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    return;
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        @Override
        public void close() throws IOException {
            closed.countDown();
            server.close();
        }
    }
}
