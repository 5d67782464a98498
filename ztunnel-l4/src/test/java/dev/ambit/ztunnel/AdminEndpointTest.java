package dev.ambit.ztunnel;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.policy.AuthorizationPolicy;
import dev.ambit.api.model.policy.AuthorizationRule;
import dev.ambit.api.model.policy.PeerAuthentication;
import dev.ambit.api.model.policy.Source;
import dev.ambit.ztunnel.admin.AdminServer;
import dev.ambit.runtime.tls.WorkloadCertificate;
import dev.ambit.runtime.testing.Http;
import dev.ambit.runtime.testing.LeakDetectorExtension;
import dev.ambit.runtime.testing.Sockets;
import dev.ambit.ztunnel.testing.TwoNodeMesh;
import dev.ambit.runtime.testing.Waits;
import dev.ambit.ztunnel.testing.Workloads;
import dev.ambit.runtime.transport.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.util.NetUtil;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tunnel's admin endpoint: loopback only, what it dumps (and what it never does), and how it refuses. */
@ExtendWith(LeakDetectorExtension.class)
@Timeout(60)
class AdminEndpointTest {

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
    }

    @Test
    void listensOnLoopbackOnlyWhateverTheTrafficListenersBindTo() throws Exception {
        InetSocketAddress admin = admin(mesh.nodeA());
        assertEquals(InetAddress.getLoopbackAddress(), admin.getAddress());
        // A wildcard bind would answer on every local address; this one must not answer on another loopback one.
        try (Socket elsewhere = new Socket()) {
            assertThrows(ConnectException.class,
                    () -> elsewhere.connect(new InetSocketAddress(Workloads.loopback(9), admin.getPort()), 5_000));
        }
        assertEquals(new InetSocketAddress(InetAddress.getLoopbackAddress(), MeshPorts.ADMIN),
                ZtunnelOptions.defaults("node-a", InetAddress.getByName("10.1.2.3")).admin().orElseThrow());
    }

    @Test
    void refusesToBindAnythingButLoopback() {
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newEventLoopGroup(1, "ambit-io-admin-test");
        try {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> AdminServer.bind(
                    transport, group, new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0), List.of()));
            assertTrue(refused.getMessage().contains("loopback only"), refused.getMessage());
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void configDumpShowsThePushedConfigAndCertificatesWithoutKeys() {
        AuthorizationPolicy allowClient = new AuthorizationPolicy(NamespacedName.of("demo", "allow-client"),
                Map.of("app", "echo"), AuthorizationPolicy.Action.ALLOW, List.of(new AuthorizationRule(
                        List.of(new Source(List.of(mesh.clientWorkload().identity()), List.of(), List.of(), List.of())),
                        List.of(), List.of())));
        mesh.configure(List.of(allowClient), List.of(new PeerAuthentication(NamespacedName.of("demo", "strict"),
                Map.of(), PeerAuthentication.Mode.STRICT, Map.of())));

        Http.Response dump = Http.get(admin(mesh.nodeA()), "/config_dump");

        assertEquals(200, dump.status());
        String body = dump.body();
        assertField(body, "node", "node-a");
        assertField(body, "uid", "uid-client");
        assertField(body, "uid", "uid-echo");
        assertField(body, "name", "allow-client");
        assertField(body, "action", "ALLOW");
        assertField(body, "mode", "STRICT");
        WorkloadCertificate held = mesh.nodeA().certificates().certificate(mesh.clientWorkload().identity())
                .orElseThrow();
        assertField(body, "identity", held.identity().uri());
        assertField(body, "state", "valid");
        assertField(body, "serial", held.serial());
        assertField(body, "notBefore", held.leaf().getNotBefore().toInstant().toString());
        assertField(body, "notAfter", held.notAfter().toString());
        assertTrue(Pattern.compile("\"chainLength\"\\s*:\\s*" + held.chain().size()).matcher(body).find(), body);
        assertFalse(body.contains("PRIVATE KEY"), body);
        String key = Base64.getEncoder().encodeToString(held.key().getEncoded());
        assertFalse(body.contains(key.substring(key.length() - 40, key.length() - 8)), "no key material: " + body);

        mesh.configure(List.of(), List.of());
        String after = Http.get(admin(mesh.nodeA()), "/config_dump").body();
        assertFalse(after.contains("allow-client"), "a policy removed from the config leaves the dump: " + after);
        assertField(after, "uid", "uid-client");
    }

    @Test
    void connectionsShowsARelayedConnectionUntilItCloses() throws Exception {
        try (Socket socket = mesh.connectFromClient()) {
            Sockets.assertEchoes(socket, "hello");
            String outbound = Http.get(admin(mesh.nodeA()), "/connections").body();
            assertCount(outbound, 1);
            assertField(outbound, "direction", "outbound");
            assertField(outbound, "protocol", "hbone");
            assertField(outbound, "source", NetUtil.toSocketAddressString(
                    (InetSocketAddress) socket.getLocalSocketAddress()));
            assertField(outbound, "destination", NetUtil.toSocketAddressString(mesh.echoAddress()));
            assertField(outbound, "sourceIdentity", mesh.clientWorkload().identity().uri());
            assertField(outbound, "destinationIdentity", mesh.echoWorkload().identity().uri());

            String inbound = Http.get(admin(mesh.nodeB()), "/connections").body();
            assertCount(inbound, 1);
            assertField(inbound, "direction", "inbound");
            assertField(inbound, "sourceIdentity", mesh.clientWorkload().identity().uri());
            assertField(inbound, "destinationWorkload", "echo");
        }
        Waits.until("both tunnels to forget the closed connection", Duration.ofSeconds(10),
                () -> countIs(Http.get(admin(mesh.nodeA()), "/connections").body(), 0)
                        && countIs(Http.get(admin(mesh.nodeB()), "/connections").body(), 0));
    }

    @Test
    void theIndexListsThePages() {
        Http.Response index = Http.get(admin(mesh.nodeA()), "/");

        assertEquals(200, index.status());
        assertTrue(index.body().contains("/config_dump") && index.body().contains("/connections"), index.body());
    }

    @Test
    void refusesUnknownPathsOtherMethodsBodiesAndMalformedRequests() {
        InetSocketAddress admin = admin(mesh.nodeA());
        assertEquals(404, Http.get(admin, "/quitquitquit").status());

        Http.Response post = Http.raw(admin, request("POST", "Content-Length: 0", ""));
        assertEquals(405, post.status());
        assertTrue(post.body().toLowerCase(Locale.ROOT).contains("allow: get"), post.body());

        assertEquals(413, Http.raw(admin, request("GET", "Content-Length: 5", "hello")).status());
        assertEquals(400, Http.raw(admin, request("GET", "X-Big: " + "a".repeat(10_000), "")).status());
        assertEquals(200, Http.get(admin, "/config_dump").status(), "still serving");
    }

    /** A browser page on the node reaching 127.0.0.1 through its own name (DNS rebinding) is refused. */
    @Test
    void answersOnlyRequestsThatNameLoopbackAsTheirHost() {
        InetSocketAddress admin = admin(mesh.nodeA());
        for (String host : List.of("localhost:15000", "127.0.0.1", "[::1]:15000", "LOCALHOST")) {
            assertEquals(200, Http.raw(admin, "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .status(), host);
        }
        for (String host : List.of("attacker.example", "attacker.example:15000", "10.1.2.3")) {
            assertEquals(403, Http.raw(admin, "GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .status(), host);
        }
    }

    /** A pipelining client gets every answer, in the order it asked, however long each took to build. */
    @Test
    void answersPipelinedRequestsInOrder() {
        String keepAlive = " HTTP/1.1\r\nHost: localhost\r\n\r\n";
        Http.Response answers = Http.raw(admin(mesh.nodeA()),
                "GET /config_dump" + keepAlive + "GET /" + keepAlive + "GET /quitquitquit" + keepAlive);

        String all = answers.body();
        int dump = all.indexOf("\"config\"");
        int index = all.indexOf("Ambit node tunnel admin");
        int notFound = all.indexOf("HTTP/1.1 404");
        assertTrue(dump > 0 && index > dump && notFound > index, "three answers in request order: " + all);
        assertEquals(3, all.split("HTTP/1.1 ", -1).length - 1, all);
    }

    /** A body (refused: 413) pipelined behind a page is answered after it, not ahead of it. */
    @Test
    void refusesABodyInTurn() {
        String answers = Http.raw(admin(mesh.nodeA()), "GET /config_dump HTTP/1.1\r\nHost: localhost\r\n\r\n"
                + "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 5\r\n\r\nhello").body();

        int dump = answers.indexOf("\"config\"");
        int refused = answers.indexOf("HTTP/1.1 413");
        assertTrue(dump > 0 && refused > dump, "the page, then the 413: " + answers);
    }

    /** A client pipelining more than it could want gets what fits, then 429 and the end, not a queue. */
    @Test
    void endsAClientThatPipelinesTooMuch() {
        String answers = Http.raw(admin(mesh.nodeA()),
                "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".repeat(40)).body();

        int answered = answers.split("HTTP/1.1 200", -1).length - 1;
        assertTrue(answered >= 1 && answered <= 16, answered + " answers to 40 pipelined requests");
        assertTrue(answers.endsWith("Too Many Requests\n"), "429 last: " + answers);
    }

    /** A request for /config_dump with one more header line and {@code body}; the server closes after answering. */
    private static String request(String method, String header, String body) {
        return method + " /config_dump HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + header + "\r\n\r\n" + body;
    }

    private static InetSocketAddress admin(Ztunnel tunnel) {
        return tunnel.adminAddress().orElseThrow();
    }

    private static void assertField(String json, String name, String value) {
        assertTrue(Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"" + Pattern.quote(value) + "\"")
                .matcher(json).find(), "no \"" + name + "\": \"" + value + "\" in " + json);
    }

    private static void assertCount(String json, int count) {
        assertTrue(countIs(json, count), "not " + count + " connections: " + json);
    }

    private static boolean countIs(String json, int count) {
        return Pattern.compile("\"count\"\\s*:\\s*" + count + "\\b").matcher(json).find();
    }
}
