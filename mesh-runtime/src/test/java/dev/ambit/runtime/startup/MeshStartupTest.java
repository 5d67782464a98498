package dev.ambit.runtime.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.ca.v1.CertificateServiceGrpc;
import dev.ambit.api.ca.v1.CreateCertificateRequest;
import dev.ambit.api.ca.v1.CreateCertificateResponse;
import dev.ambit.api.config.ResourceCodec;
import dev.ambit.api.config.ResourceType;
import dev.ambit.api.config.v1.ClientInfo;
import dev.ambit.api.config.v1.ConfigDiscoveryServiceGrpc;
import dev.ambit.api.config.v1.ConfigRequest;
import dev.ambit.api.config.v1.ConfigResponse;
import dev.ambit.api.identity.Pem;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.policy.PeerAuthentication;
import dev.ambit.api.model.workload.DataplaneMode;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.runtime.controlplane.ControlPlaneSettings;
import dev.ambit.runtime.controlplane.ControllerAddress;
import dev.ambit.runtime.lifecycle.ResourceStack;
import dev.ambit.runtime.testing.TestCa;
import dev.ambit.runtime.tls.WorkloadCertificate;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up recipe against a fake controller on loopback (TLS, the controller's SPIFFE identity): identity from
 * the CA first, then the config stream as that identity, subscribed to what the process reads.
 */
class MeshStartupTest {

    private static final String TRUST_DOMAIN = "cluster.local";
    private static final String ROOT_NAMESPACE = "ambit-system";
    private static final String TOKEN = "node-a-token";
    private static final SpiffeId AGENT = SpiffeId.of(TRUST_DOMAIN, ROOT_NAMESPACE, "ambit-node-agent");
    private static final ClientInfo CLIENT = ClientInfo.newBuilder().setId("node-a/agent/test")
            .setKind(ClientInfo.Kind.NODE_AGENT).setNodeName("node-a").build();
    private static final Context.Key<SpiffeId> PEER = Context.key("peer");

    private final TestCa ca = new TestCa();
    private final FakeConfigService configService = new FakeConfigService();
    private final BlockingQueue<String> tokens = new LinkedBlockingQueue<>();
    private final ResourceStack opened = new ResourceStack();
    private Server server;
    private ControlPlaneSettings settings;

    @TempDir
    Path dir;

    @BeforeEach
    void startController() throws Exception {
        SpiffeId controller = SpiffeId.of(TRUST_DOMAIN, ROOT_NAMESPACE, "ambit-controller");
        WorkloadCertificate certificate = ca.issue(controller, Duration.ofHours(1));
        X509Certificate[] roots = ca.trustBundle().roots().toArray(new X509Certificate[0]);
        server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .sslContext(GrpcSslContexts.configure(SslContextBuilder.forServer(certificate.key(),
                                certificate.chain().toArray(new X509Certificate[0])), SslProvider.JDK)
                        .clientAuth(ClientAuth.OPTIONAL)
                        .trustManager(roots)
                        .build())
                .addService(ServerInterceptors.intercept(new Signer(), new RecordToken()))
                .addService(ServerInterceptors.intercept(configService, new PeerIdentity()))
                .build()
                .start();
        Path rootCert = Files.writeString(dir.resolve("root-cert.pem"), Pem.encode(ca.trustBundle().roots()));
        Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
        ControllerAddress address = new ControllerAddress("127.0.0.1", server.getPort());
        settings = new ControlPlaneSettings(address, address, token, rootCert, TRUST_DOMAIN, ROOT_NAMESPACE);
    }

    @AfterEach
    void stop() {
        opened.close();
        server.shutdownNow();
    }

    @Test
    void getsItsIdentityThenFollowsTheKindsItReadsAsThatIdentity() throws Exception {
        BlockingQueue<Collection<Workload>> applied = new LinkedBlockingQueue<>();
        MeshStartup startup = MeshStartup.connect(settings, opened, Clock.systemUTC());
        ProcessIdentity identity = startup.awaitIdentity(AGENT, startup.certificatesForController());
        assertEquals(TOKEN, tokens.poll(), "the CA was called with the process's token");
        assertTrue(identity.certificate().isPresent(), "issued before awaitIdentity returns");

        startup.followConfig(identity, CLIENT, ConfigSubscription.reading(List.of(PeerAuthentication.class,
                Workload.class), config -> applied.add(config.all(Workload.class))));
        Stream stream = configService.nextStream();
        ConfigRequest first = stream.nextRequest();
        assertEquals(CLIENT, first.getClient());
        assertEquals(List.of(ResourceType.WORKLOAD.typeUrl(), ResourceType.PEER_AUTHENTICATION.typeUrl()),
                List.of(first.getTypeUrl(), stream.nextRequest().getTypeUrl()), "exactly the kinds it reads");
        assertEquals(AGENT, stream.peer, "the stream presents the issued certificate");

        Workload workload = workload();
        stream.push(ResourceType.WORKLOAD, "n1", workload);
        assertFalse(stream.nextRequest().hasErrorDetail(), "ACK");
        assertEquals(List.of(workload), List.copyOf(applied.poll(10, TimeUnit.SECONDS)));
    }

    /** A process that reads a kind it did not subscribe to finds out at the first push, not never. */
    @Test
    void aKindReadWithoutBeingSubscribedRejectsThePush() throws Exception {
        MeshStartup startup = MeshStartup.connect(settings, opened, Clock.systemUTC());
        ProcessIdentity identity = startup.awaitIdentity(AGENT, startup.certificatesForController());
        startup.followConfig(identity, CLIENT, ConfigSubscription.reading(List.of(Workload.class),
                config -> config.all(MeshService.class)));
        Stream stream = configService.nextStream();
        assertEquals(ResourceType.WORKLOAD.typeUrl(), stream.nextRequest().getTypeUrl());

        stream.push(ResourceType.WORKLOAD, "n1", workload());
        ConfigRequest nack = stream.nextRequest();
        assertTrue(nack.hasErrorDetail(), "NACK");
        assertTrue(nack.getErrorDetail().getMessage().contains("Service"), nack.getErrorDetail().getMessage());
    }

    @Test
    void whatItOpenedClosesWithTheProcess() throws Exception {
        MeshStartup startup = MeshStartup.connect(settings, opened, Clock.systemUTC());
        ProcessIdentity identity = startup.awaitIdentity(AGENT, startup.certificatesForController());
        startup.followConfig(identity, CLIENT, ConfigSubscription.reading(List.of(Workload.class), config -> { }));
        Stream stream = configService.nextStream();

        opened.close();

        assertTrue(stream.ended.await(10, TimeUnit.SECONDS), "the config stream ended with the process");
    }

    private static Workload workload() {
        NamespacedName name = NamespacedName.of("demo", "hello");
        return new Workload("uid-1", name, SpiffeId.of(TRUST_DOMAIN, "demo", "hello"), "node-a",
                List.of(InetAddress.getLoopbackAddress()), DataplaneMode.NONE, Optional.empty(), Optional.empty(),
                Map.of(), "hello", "v1", List.of());
    }

    /** Issues whatever identity is asked for: the token is the test's concern, recorded by {@link RecordToken}. */
    private final class Signer extends CertificateServiceGrpc.CertificateServiceImplBase {
        @Override
        public void createCertificate(CreateCertificateRequest request,
                StreamObserver<CreateCertificateResponse> response) {
            List<X509Certificate> chain = ca.sign(request.getCsr(), AGENT,
                    Duration.ofSeconds(request.getValidity().getSeconds()));
            response.onNext(CreateCertificateResponse.newBuilder()
                    .addAllCertChain(chain.stream().map(Pem::encode).toList()).build());
            response.onCompleted();
        }
    }

    private final class RecordToken implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
            String authorization = headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER));
            tokens.add(authorization == null ? "" : authorization.replaceFirst("^Bearer ", ""));
            return next.startCall(call, headers);
        }
    }

    /** The verified SPIFFE identity of the client's certificate, for the service to see. */
    private final class PeerIdentity implements ServerInterceptor {
        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
            SpiffeId peer = null;
            try {
                SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
                Certificate[] chain = session.getPeerCertificates();
                peer = ca.trustBundle().verify(Arrays.stream(chain).map(X509Certificate.class::cast).toList(),
                        java.time.Instant.now());
            } catch (Exception e) {
                // no client certificate: peer stays null
            }
            return Contexts.interceptCall(Context.current().withValue(PEER, peer), call, headers, next);
        }
    }

    private static final class Stream {
        final BlockingQueue<ConfigRequest> requests = new LinkedBlockingQueue<>();
        final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
        final StreamObserver<ConfigResponse> responses;
        final SpiffeId peer;

        Stream(StreamObserver<ConfigResponse> responses, SpiffeId peer) {
            this.responses = responses;
            this.peer = peer;
        }

        ConfigRequest nextRequest() throws InterruptedException {
            ConfigRequest request = requests.poll(10, TimeUnit.SECONDS);
            assertNotNull(request, "no request from the client");
            return request;
        }

        void push(ResourceType type, String nonce, Workload workload) {
            responses.onNext(ConfigResponse.newBuilder().setTypeUrl(type.typeUrl()).setNonce(nonce)
                    .setSystemVersionInfo("v-" + nonce).addResources(ResourceCodec.encode(workload, "v1")).build());
        }
    }

    private static final class FakeConfigService extends ConfigDiscoveryServiceGrpc.ConfigDiscoveryServiceImplBase {
        final BlockingQueue<Stream> streams = new LinkedBlockingQueue<>();

        @Override
        public StreamObserver<ConfigRequest> streamConfig(StreamObserver<ConfigResponse> responses) {
            Stream stream = new Stream(responses, PEER.get());
            streams.add(stream);
            return new StreamObserver<>() {
                @Override
                public void onNext(ConfigRequest request) {
                    stream.requests.add(request);
                }

                @Override
                public void onError(Throwable t) {
                    stream.ended.countDown();
                }

                @Override
                public void onCompleted() {
                    stream.ended.countDown();
                }
            };
        }

        Stream nextStream() throws InterruptedException {
            Stream stream = streams.poll(10, TimeUnit.SECONDS);
            assertNotNull(stream, "the client did not open a stream");
            return stream;
        }
    }
}
