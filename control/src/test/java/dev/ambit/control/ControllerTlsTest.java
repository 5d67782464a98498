package dev.ambit.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.ambit.api.ca.v1.CertificateServiceGrpc;
import dev.ambit.api.ca.v1.CreateCertificateRequest;
import dev.ambit.api.config.ResourceType;
import dev.ambit.api.identity.Pem;
import dev.ambit.api.identity.SpiffeCertificates;
import dev.ambit.api.identity.SpiffeTrustManager;
import dev.ambit.api.identity.TrustBundle;
import dev.ambit.api.identity.WorkloadKeys;
import dev.ambit.control.model.MeshSettings;
import dev.ambit.control.stream.TestConfigClient;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local-mode controller end to end over real TLS on loopback: a node agent gets its certificate from the CA
 * port with a bootstrap token, then streams config over mTLS; without a client certificate it gets nothing.
 */
class ControllerTlsTest {

    private static final MeshSettings MESH = new MeshSettings("cluster.local", "cluster.local", "ambit-system");
    private static final String TOKEN = "node-a-bootstrap-token-0123456789";

    @TempDir
    Path dir;

    @Test
    void nodeAgentBootstrapsItsIdentityThenStreamsConfigOverMutualTls() throws Exception {
        Path config = Files.createDirectory(dir.resolve("config"));
        Files.writeString(config.resolve("mesh.yaml"), """
                apiVersion: v1
                kind: Node
                metadata: {name: node-a}
                status: {addresses: [{type: InternalIP, address: 10.0.0.1}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: hello, namespace: demo}
                spec: {nodeName: node-a, serviceAccountName: hello}
                status: {podIP: 10.1.0.1}
                """);
        Files.writeString(dir.resolve("tokens"), TOKEN + " node-a\n");
        Path roots = dir.resolve("roots.pem");
        ControllerConfig settings = ControllerConfig.builder()
                .configDir(Optional.of(config))
                .listenAddress(InetAddress.getLoopbackAddress())
                .configPort(0)
                .caPort(0)
                .metricsPort(0)
                .mesh(MESH)
                .rootCertificateOut(Optional.of(roots))
                .bootstrapTokens(Optional.of(dir.resolve("tokens")))
                .leaderElection(false)
                .podName("test")
                .waypointImage("waypoint:test")
                .answerTimeout(Duration.ofSeconds(30))
                .maxClients(100)
                .build();
        try (Controller controller = Controller.start(settings)) {
            TrustBundle bundle = new TrustBundle("cluster.local", Pem.certificates(Files.readString(roots), "roots"));
            KeyPair keys = WorkloadKeys.generate();
            List<X509Certificate> chain;
            ManagedChannel caChannel = channel(controller.caPort(), bundle, null, null);
            try {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + TOKEN);
                var response = CertificateServiceGrpc.newBlockingStub(caChannel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                        .createCertificate(CreateCertificateRequest.newBuilder()
                                .setCsr(WorkloadKeys.certificateRequestPem(keys, MESH.nodeAgentIdentity())).build());
                chain = Pem.certificates(String.join("", response.getCertChainList()), "issued");
            } finally {
                caChannel.shutdownNow();
            }
            assertEquals(MESH.nodeAgentIdentity(), SpiffeCertificates.identityOf(chain.get(0)));

            ManagedChannel configChannel = channel(controller.configPort(), bundle, keys, chain);
            try (TestConfigClient agent = TestConfigClient.node(configChannel, "agent-a", "node-a")) {
                agent.subscribe(ResourceType.WORKLOAD);
                agent.await(ResourceType.WORKLOAD, state -> state.containsKey("demo/hello"), Duration.ofSeconds(10));
            } finally {
                configChannel.shutdownNow();
            }

            ManagedChannel anonymous = channel(controller.configPort(), bundle, null, null);
            try (TestConfigClient stranger = TestConfigClient.node(anonymous, "stranger", "node-a")) {
                stranger.subscribe(ResourceType.WORKLOAD);
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (stranger.closedWith() == null && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertNotNull(stranger.closedWith(), "a client without a certificate must be refused");
                assertEquals(0, stranger.pushes().size());
            } finally {
                anonymous.shutdownNow();
            }
        }
    }

    private static ManagedChannel channel(int port, TrustBundle bundle, KeyPair keys, List<X509Certificate> chain)
            throws Exception {
        SslContextBuilder tls = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
                .trustManager(SpiffeTrustManager.forServer(bundle, Clock.systemUTC(), MESH.controllerIdentity()));
        if (keys != null) {
            tls.keyManager(keys.getPrivate(), chain.toArray(new X509Certificate[0]));
        }
        return NettyChannelBuilder.forAddress(InetAddress.getLoopbackAddress().getHostAddress(), port)
                .sslContext(tls.build()).build();
    }
}
