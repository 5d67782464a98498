package dev.ambit.control.tls;

import static dev.ambit.control.TestObjects.namespace;
import static dev.ambit.control.TestObjects.node;
import static dev.ambit.control.TestObjects.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.control.ca.IssuedCertificate;
import dev.ambit.control.ca.MeshCa;
import dev.ambit.api.config.ResourceType;
import dev.ambit.api.identity.SpiffeTrustManager;
import dev.ambit.api.identity.WorkloadKeys;
import dev.ambit.control.Eventually;
import dev.ambit.control.LogLines;
import dev.ambit.control.server.GrpcServers;
import dev.ambit.control.stream.StreamFixture;
import dev.ambit.control.stream.TestConfigClient;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller's serving certificate rotated by its half-life timer (a CA whose leaves live 12 s, so rotations
 * come every 6 s or so), under an open config stream over mutual TLS.
 */
class ControllerCertificateRotationTest {

    /** Short, for rotations every few seconds; long enough for a client's first handshake on a busy machine. */
    private static final Duration LEAF_TTL = Duration.ofSeconds(12);
    private static final Duration WITHIN = Duration.ofSeconds(20);
    private static final Pattern ISSUED = Pattern.compile("event=controller_certificate_issued .* serial=(\\p{XDigit}+) ");

    private final List<AutoCloseable> resources = new ArrayList<>();
    private MeshCa ca;
    private StreamFixture fixture;
    private Server server;

    @BeforeEach
    void start() throws Exception {
        ca = MeshCa.selfSigned("cluster.local", Duration.ofDays(1), LEAF_TTL, Clock.systemUTC());
        fixture = new StreamFixture();
        fixture.model.upsert(namespace("demo", Map.of("ambit.dev/dataplane-mode", "ambient")));
        fixture.model.upsert(node("node-a", "10.0.0.1"));
        fixture.model.upsert(pod("demo", "good", "node-a", "10.1.0.1", "app", Map.of("app", "hello")));
        fixture.model.synced("test");
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
        if (server != null) {
            server.shutdownNow();
        }
        fixture.close();
    }

    @Test
    void theHalfLifeTimerRotatesTheServedCertificateWithoutDroppingOpenStreams() throws Exception {
        LogLines log = own(new LogLines(ControllerCertificate.class));
        ControllerCertificate certificate = own(new ControllerCertificate(ca,
                StreamFixture.SETTINGS.controllerIdentity()));
        ExecutorService executor = Executors.newFixedThreadPool(2);
        own(executor::shutdownNow);
        server = GrpcServers.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                ServerTls.mutual(certificate, ca.trustBundle()), executor, fixture.service,
                List.of(new PeerIdentityInterceptor()));

        Connection first = connect();
        TestConfigClient agent = own(TestConfigClient.node(first.channel, "agent-a", "node-a"));
        agent.subscribe(ResourceType.WORKLOAD);
        agent.await(ResourceType.WORKLOAD, state -> state.containsKey("demo-good"), WITHIN);
        String servedFirst = first.served().getSerialNumber().toString(16);

        // Nothing calls for a rotation: the timer set at half the certificate's life does.
        List<String> rotatedSince = Eventually.present(WITHIN, "a certificate issued after the one first served",
                () -> {
                    List<String> issued = issuedSerials(log);
                    int served = issued.indexOf(servedFirst);
                    return served >= 0 && served < issued.size() - 1 ? issued.subList(served + 1, issued.size())
                            : null;
                });

        Connection second = connect();
        TestConfigClient newcomer = own(TestConfigClient.node(second.channel, "agent-b", "node-a"));
        newcomer.subscribe(ResourceType.WORKLOAD);
        newcomer.await(ResourceType.WORKLOAD, state -> state.containsKey("demo-good"), WITHIN);
        String servedSecond = second.served().getSerialNumber().toString(16);
        assertNotEquals(servedFirst, servedSecond, "a new connection gets the new certificate");
        assertTrue(issuedSerials(log).subList(issuedSerials(log).indexOf(servedFirst) + 1, issuedSerials(log).size())
                .contains(servedSecond), servedSecond + " is not one of the rotated " + rotatedSince);

        // The stream opened before the rotation is still the same stream, and still served.
        fixture.model.upsert(pod("demo", "later", "node-a", "10.1.0.2", "app", Map.of("app", "hello")));
        agent.await(ResourceType.WORKLOAD, state -> state.containsKey("demo-later"), WITHIN);
        assertNull(agent.closedWith(), "the stream opened before the rotation was not closed");
        assertEquals(2, fixture.service.connectedClients());
    }

    private static List<String> issuedSerials(LogLines log) {
        List<String> serials = new ArrayList<>();
        for (String line : log.containing("event=controller_certificate_issued")) {
            Matcher serial = ISSUED.matcher(line);
            if (serial.find()) {
                serials.add(serial.group(1));
            }
        }
        return serials;
    }

    /** A new connection as a node agent: a fresh certificate, and a TLS context of its own so nothing resumes. */
    private Connection connect() throws Exception {
        KeyPair keys = WorkloadKeys.generate();
        IssuedCertificate issued = ca.issue(WorkloadKeys.certificateRequestPem(keys,
                StreamFixture.SETTINGS.nodeAgentIdentity()), StreamFixture.SETTINGS.nodeAgentIdentity(), null);
        RecordingTrustManager trust = new RecordingTrustManager(SpiffeTrustManager.forServer(ca.trustBundle(),
                Clock.systemUTC(), StreamFixture.SETTINGS.controllerIdentity()));
        ManagedChannel channel = NettyChannelBuilder.forAddress(InetAddress.getLoopbackAddress().getHostAddress(),
                server.getPort()).sslContext(GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
                        .trustManager(trust)
                        .keyManager(keys.getPrivate(), issued.chain().toArray(new X509Certificate[0])).build())
                .build();
        own(channel::shutdownNow);
        return new Connection(channel, trust);
    }

    private <T extends AutoCloseable> T own(T resource) {
        resources.add(resource);
        return resource;
    }

    private record Connection(ManagedChannel channel, RecordingTrustManager trust) {
        X509Certificate served() {
            X509Certificate served = trust.served;
            assertTrue(served != null, "no server certificate seen");
            return served;
        }
    }

    /** Verifies as the delegate does and keeps the leaf certificate the server presented. */
    private static final class RecordingTrustManager extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager delegate;
        volatile X509Certificate served;

        RecordingTrustManager(X509ExtendedTrustManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            delegate.checkServerTrusted(chain, authType, engine);
            served = chain[0];
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            delegate.checkServerTrusted(chain, authType, socket);
            served = chain[0];
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkServerTrusted(chain, authType);
            served = chain[0];
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            delegate.checkClientTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            delegate.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return delegate.getAcceptedIssuers();
        }
    }
}
