package dev.ambit.ztunnel;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.policy.AuthorizationPolicy;
import dev.ambit.api.model.policy.AuthorizationRule;
import dev.ambit.api.model.policy.PeerAuthentication;
import dev.ambit.api.model.policy.Source;
import dev.ambit.runtime.transport.FailureReason;
import dev.ambit.runtime.testing.EchoServer;
import dev.ambit.runtime.testing.Http;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.Sockets;
import dev.ambit.ztunnel.testing.TwoNodeMesh;
import dev.ambit.runtime.testing.Waits;
import dev.ambit.ztunnel.testing.Workloads;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Authorization, PeerAuthentication, passthrough and the metrics that count them, across two tunnels. */
@ExtendWith(LeakDetectorExtension.class)
@Timeout(60)
class TunnelPolicyTest {

    /** A pod outside the mesh, and a client outside the mesh. */
    private static final InetAddress LEGACY_POD = Workloads.loopback(7);
    private static final InetAddress OUTSIDER = Workloads.loopback(6);

    private static final String POLICY_DENIED_SERIES =
            "ambit_tcp_connection_failures_total{reason=\"policy_denied\"}";

    private static final String ECHO_PRINCIPAL = "spiffe://cluster.local/ns/demo/sa/echo";
    private static final String CLIENT_PRINCIPAL = "spiffe://cluster.local/ns/demo/sa/client";

    private static TwoNodeMesh mesh;

    @BeforeAll
    static void start() {
        mesh = new TwoNodeMesh();
    }

    @AfterAll
    static void stop() {
        mesh.close();
    }

    @AfterEach
    void reset() {
        mesh.configure(List.of(), List.of());
        mesh.lookup().put(TwoNodeMesh.CLIENT_POD, mesh.echoAddress());
    }

    @Test
    void aFailingOriginalDestinationLookupRefusesTheConnection() throws IOException {
        mesh.lookup().fail(TwoNodeMesh.CLIENT_POD, "bpf_map_lookup_elem: Operation not permitted");
        long before = mesh.nodeA().metrics().failures(FailureReason.NO_ORIGINAL_DESTINATION);
        Sockets.assertConnectionRefused(mesh::connectFromClient, "");
        assertEquals(before + 1, mesh.nodeA().metrics().failures(FailureReason.NO_ORIGINAL_DESTINATION));
    }

    @Test
    void denyPolicyClosesTheConnectionAndCountsIt() throws IOException {
        AuthorizationPolicy denyClient = new AuthorizationPolicy(NamespacedName.of("demo", "deny-client"),
                Map.of("app", "echo"), AuthorizationPolicy.Action.DENY, List.of(new AuthorizationRule(
                        List.of(new Source(List.of(mesh.clientWorkload().identity()), List.of(), List.of(), List.of())),
                        List.of(), List.of())));
        mesh.configure(List.of(denyClient), List.of());
        long deniedBefore = mesh.nodeB().metrics().failures(FailureReason.POLICY_DENIED);
        double scrapedBefore = value(scrape(mesh.nodeB()), POLICY_DENIED_SERIES);
        // Over HBONE node B names the source by the principal its certificate proved, and no workload.
        String refusedSeries = refused("unknown", "demo", CLIENT_PRINCIPAL, "policy_denied");
        double refusedBefore = value(scrape(mesh.nodeB()), refusedSeries);
        try (Socket socket = mesh.connectFromClient()) {
            socket.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            Sockets.assertRefused(socket);
        }
        assertEquals(deniedBefore + 1, mesh.nodeB().metrics().failures(FailureReason.POLICY_DENIED));
        // The series exists from the start (every reason is registered at zero): the scrape must show the count.
        assertEquals(scrapedBefore + 1, value(scrape(mesh.nodeB()), POLICY_DENIED_SERIES), POLICY_DENIED_SERIES);
        assertEquals(refusedBefore + 1, value(scrape(mesh.nodeB()), refusedSeries), refusedSeries);
        assertTrue(mesh.nodeA().metrics().failures(FailureReason.CONNECT_REFUSED) >= 1);
    }

    @Test
    void strictPeerAuthenticationRefusesPlaintext() throws IOException {
        mesh.lookup().put(OUTSIDER, mesh.echoAddress());
        mesh.configure(List.of(), List.of(new PeerAuthentication(NamespacedName.of("demo", "strict"), Map.of(),
                PeerAuthentication.Mode.STRICT, Map.of())));
        long before = mesh.nodeB().metrics().failures(FailureReason.PLAINTEXT_REJECTED);
        // From an address no workload has: every source label is unknown, as on the opened counter.
        String fromOutsider = refused("unknown", "unknown", "unknown", "plaintext_rejected");
        // From the client pod, bypassing its tunnel: named by its address, with its (unproved) identity.
        String fromClient = refused("client", "demo", CLIENT_PRINCIPAL, "plaintext_rejected");
        String scrapedBefore = scrape(mesh.nodeB());
        Sockets.assertConnectionRefused(
                () -> TwoNodeMesh.connect(OUTSIDER, mesh.nodeB().plaintextInboundAddress()), "hello");
        Sockets.assertConnectionRefused(
                () -> TwoNodeMesh.connect(TwoNodeMesh.CLIENT_POD, mesh.nodeB().plaintextInboundAddress()), "hello");
        assertEquals(before + 2, mesh.nodeB().metrics().failures(FailureReason.PLAINTEXT_REJECTED));
        String scraped = scrape(mesh.nodeB());
        assertEquals(value(scrapedBefore, fromOutsider) + 1, value(scraped, fromOutsider), fromOutsider);
        assertEquals(value(scrapedBefore, fromClient) + 1, value(scraped, fromClient), fromClient);
    }

    @Test
    void permissivePeerAuthenticationLetsPlaintextThrough() throws IOException {
        mesh.lookup().put(OUTSIDER, mesh.echoAddress());
        try (Socket socket = TwoNodeMesh.connect(OUTSIDER, mesh.nodeB().plaintextInboundAddress())) {
            Sockets.assertEchoes(socket, "hello");
        }
        try (Socket socket = TwoNodeMesh.connect(OUTSIDER, mesh.nodeB().plaintextInboundAddress())) {
            Sockets.assertEchoesRequestSentWithItsEnd(socket, "hello, and goodbye");
        }
    }

    @Test
    void destinationOutsideTheMeshIsPassedThrough() throws IOException {
        try (EchoServer legacy = new EchoServer(LEGACY_POD)) {
            mesh.lookup().put(TwoNodeMesh.CLIENT_POD, legacy.address());
            int connections = mesh.nodeA().pool().connectionCount();
            try (Socket socket = mesh.connectFromClient()) {
                Sockets.assertEchoes(socket, "hello");
            }
            try (Socket socket = mesh.connectFromClient()) {
                Sockets.assertEchoesRequestSentWithItsEnd(socket, "hello, and goodbye");
            }
            assertEquals(connections, mesh.nodeA().pool().connectionCount(), "no HBONE connection for passthrough");
        }
    }

    @Test
    void metricsCountConnectionsAndBytesByWorkload() throws IOException {
        String labels = "{destination_namespace=\"demo\","
                + "destination_principal=\"spiffe://cluster.local/ns/demo/sa/echo\","
                + "destination_workload=\"echo\",direction=\"outbound\",source_namespace=\"demo\","
                + "source_principal=\"spiffe://cluster.local/ns/demo/sa/client\",source_workload=\"client\"}";
        String opened = "ambit_tcp_connections_opened_total" + labels;
        String closed = "ambit_tcp_connections_closed_total" + labels;
        String sent = "ambit_tcp_sent_bytes_total" + labels;
        String received = "ambit_tcp_received_bytes_total" + labels;
        String before = scrape(mesh.nodeA());
        try (Socket socket = mesh.connectFromClient()) {
            Sockets.assertEchoes(socket, "hello");
        }
        Waits.until("connection closed on node A", Duration.ofSeconds(10),
                () -> value(scrape(mesh.nodeA()), closed) == value(before, closed) + 1);
        String metrics = scrape(mesh.nodeA());
        assertEquals(value(before, opened) + 1, value(metrics, opened), opened);
        assertEquals(value(before, sent) + "hello".length(), value(metrics, sent), sent);
        assertEquals(value(before, received) + "hello".length(), value(metrics, received), received);
        double expiry = value(metrics,
                "ambit_cert_expiry_seconds{identity=\"spiffe://cluster.local/ns/demo/sa/client\"}");
        assertTrue(expiry > 0, "seconds until the client's certificate expires: " + expiry);
        assertTrue(scrape(mesh.nodeB()).contains("direction=\"inbound\""));
    }

    /** A series of node B's refusals of connections to the echo pod. */
    private static String refused(String sourceWorkload, String sourceNamespace, String sourcePrincipal,
            String reason) {
        return "ambit_tcp_connections_refused_total{destination_namespace=\"demo\",destination_principal=\""
                + ECHO_PRINCIPAL + "\",destination_workload=\"echo\",direction=\"inbound\",reason=\"" + reason
                + "\",source_namespace=\"" + sourceNamespace + "\",source_principal=\"" + sourcePrincipal
                + "\",source_workload=\"" + sourceWorkload + "\"}";
    }

    private static String scrape(Ztunnel tunnel) {
        return Http.get(tunnel.metricsAddress(), "/metrics").body();
    }

    /** The value of {@code series} (name and labels) in a scrape; 0 when absent, as a counter not yet touched. */
    private static double value(String scrape, String series) {
        return scrape.lines()
                .filter(line -> line.startsWith(series + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(series.length() + 1).strip().split(" ")[0]))
                .findFirst()
                .orElse(0);
    }

}
