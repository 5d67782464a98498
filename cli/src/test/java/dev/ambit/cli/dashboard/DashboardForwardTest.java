package dev.ambit.cli.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.cli.AmbitMain;
import dev.ambit.cli.KubernetesCluster;
import dev.ambit.cli.MeshNames;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodListBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ambit dashboard} forwarding a browser's request to the controller pod, through the mock API server's
 * port-forward WebSocket (expectations, not CRUD mode: the CRUD dispatcher does not upgrade to a WebSocket).
 */
@EnableKubernetesMockClient
@Timeout(60)
class DashboardForwardTest {

    private static final String NAMESPACE = KubernetesCluster.DEFAULT_MESH_NAMESPACE;
    private static final Pattern URL = Pattern.compile("Service graph: http://localhost:(\\d+)/graph/");

    KubernetesClient client;
    KubernetesMockServer server;

    @Test
    void forwardsALocalPortToTheReadyControllerPodAndPrintsTheGraphsUrl() throws Exception {
        server.expect().get().withPath("/api/v1/namespaces/" + NAMESPACE
                        + "/pods?labelSelector=app.kubernetes.io%2Fname%3Dambit-controller")
                .andReturn(200, new PodListBuilder().addToItems(controller("ambit-controller-a", false),
                        controller("ambit-controller-b", true)).build())
                .once();
        String page = "<title>Ambit service graph</title>";
        String response = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + page.length()
                + "\r\n\r\n" + page;
        // The API server's port-forward protocol: the first frame of each channel names the port, then data frames
        // (channel 0) carry the pod's bytes. Only the ready pod's forward is expected: another one would get a 404.
        server.expect().withPath("/api/v1/namespaces/" + NAMESPACE + "/pods/ambit-controller-b/portforward?ports=15014")
                .andUpgradeToWebSocket()
                .open()
                .waitFor(10).andEmit(frame(0, "12")) // the data channel's port
                .waitFor(10).andEmit(frame(1, "12")) // the error channel's port
                .waitFor(10).andEmit(frame(0, response))
                .done()
                .once();

        Announcement out = new Announcement();
        StringWriter err = new StringWriter();
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> exit = thread.submit(() -> {
                var commandLine = AmbitMain.commandLine(KubernetesCluster.of(client));
                commandLine.setOut(new PrintWriter(out, true));
                commandLine.setErr(new PrintWriter(err, true));
                return commandLine.execute("dashboard", "--port", "0");
            });
            int port = out.port.get(30, TimeUnit.SECONDS);
            assertTrue(out.text().contains("to pod ambit-controller-b port 15014 in namespace " + NAMESPACE),
                    out.text());

            // The mock pod answers as soon as the stream opens, without reading: a request sent first would be a
            // WebSocket message the mock has no expectation for, which it may answer by closing.
            try (Socket browser = new Socket(InetAddress.getLoopbackAddress(), port)) {
                byte[] answer = browser.getInputStream().readNBytes(response.length());
                assertEquals(response, new String(answer, StandardCharsets.US_ASCII),
                        "the controller's answer, through the forward; stderr: " + err);
            }

            thread.shutdownNow(); // as Ctrl-C: the command stops and closes the forward
            assertEquals(0, exit.get(30, TimeUnit.SECONDS), err.toString());
        } finally {
            thread.shutdownNow();
        }
    }

    private static Pod controller(String name, boolean ready) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(NAMESPACE)
                .addToLabels(MeshNames.NAME_LABEL, MeshNames.CONTROLLER).endMetadata()
                .withNewSpec().addNewContainer().withName("controller").endContainer().endSpec()
                .withStatus(new PodStatusBuilder().withPhase(ready ? "Running" : "Pending").addNewCondition()
                        .withType("Ready").withStatus(ready ? "True" : "False").endCondition().build())
                .build();
    }

    /** A port-forward frame: the channel's byte, then the data (text frames, as fabric8's own tests send). */
    private static String frame(int channel, String data) {
        return (char) channel + data;
    }

    /** The command's output; completes {@link #port} once the whole announcement is out. */
    private static final class Announcement extends Writer {
        final CompletableFuture<Integer> port = new CompletableFuture<>();
        private final StringBuffer text = new StringBuffer();

        @Override
        public void write(char[] chars, int offset, int length) {
            text.append(chars, offset, length);
            Matcher matcher = URL.matcher(text);
            if (text.indexOf("Ctrl-C to stop") >= 0 && matcher.find()) {
                port.complete(Integer.parseInt(matcher.group(1)));
            }
        }

        String text() {
            return text.toString();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() throws IOException {
        }
    }
}
