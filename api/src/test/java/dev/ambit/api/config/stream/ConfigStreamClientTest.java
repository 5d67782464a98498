package dev.ambit.api.config.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.config.ResourceCodec;
import dev.ambit.api.config.ResourceType;
import dev.ambit.api.config.v1.ClientInfo;
import dev.ambit.api.config.v1.ConfigDiscoveryServiceGrpc;
import dev.ambit.api.config.v1.ConfigRequest;
import dev.ambit.api.config.v1.ConfigResponse;
import dev.ambit.api.config.v1.Resource;
import dev.ambit.api.model.ModelFixtures;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.api.model.workload.Workload;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConfigStreamClientTest {

    private static final ClientInfo NODE_A = ClientInfo.newBuilder().setId("node-a/agent").setKind(ClientInfo.Kind.NODE_AGENT)
            .setNodeName("node-a").build();

    private final FakeController controller = new FakeController();
    private final List<MeshConfig> applied = new CopyOnWriteArrayList<>();
    private Server server;
    private ManagedChannel channel;
    private ConfigStreamClient client;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).addService(controller).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void subscribesAppliesAndAcksEachPush() throws Exception {
        client = startClient(applied::add);
        Stream stream = controller.nextStream();
        ConfigRequest first = stream.nextRequest();
        assertEquals(NODE_A, first.getClient(), "the first request says who is asking");
        assertEquals(ResourceType.WORKLOAD.typeUrl(), first.getTypeUrl());
        assertEquals(ResourceType.SERVICE.typeUrl(), stream.nextRequest().getTypeUrl());

        Workload workload = ModelFixtures.workload();
        stream.push(ResourceType.WORKLOAD, "n1", List.of(ResourceCodec.encode(workload, "v1")), List.of());
        ConfigRequest ack = stream.nextRequest();
        assertEquals("n1", ack.getResponseNonce());
        assertFalse(ack.hasErrorDetail(), "ACK");
        assertEquals(workload, client.current().find(Workload.class, workload.uid()).orElseThrow());
        assertEquals(1, applied.size());
        assertEquals(Map.of(ResourceType.WORKLOAD, "cv-1"), client.appliedVersions());

        stream.push(ResourceType.WORKLOAD, "n2", List.of(), List.of(workload.uid()));
        assertFalse(stream.nextRequest().hasErrorDetail());
        assertTrue(client.current().all(Workload.class).isEmpty(), "removed");
    }

    @Test
    void nacksAnInvalidPushWholeAndKeepsTheLastGoodConfig() throws Exception {
        client = startClient(applied::add);
        Stream stream = controller.nextStream();
        stream.skipSubscriptions();
        MeshService good = ModelFixtures.service();
        stream.push(ResourceType.SERVICE, "n1", List.of(ResourceCodec.encode(good, "v1")), List.of());
        assertFalse(stream.nextRequest().hasErrorDetail());

        Resource broken = ResourceCodec.encode(good, "v2").toBuilder()
                .setService(ResourceCodec.encode(good, "v2").getService().toBuilder().setVips(0, "300.1.1.1"))
                .build();
        Workload unrelated = ModelFixtures.workload();
        stream.push(ResourceType.SERVICE, "n2", List.of(broken), List.of());
        ConfigRequest nack = stream.nextRequest();
        assertEquals("n2", nack.getResponseNonce());
        assertTrue(nack.hasErrorDetail(), "NACK");
        assertTrue(nack.getErrorDetail().getMessage().contains("300.1.1.1"), nack.getErrorDetail().getMessage());
        assertEquals(good, client.current().find(MeshService.class, good.resourceName()).orElseThrow());
        assertEquals(1, applied.size(), "the consumer never saw the bad push");
        assertEquals(1, client.rejectedPushes());

        stream.push(ResourceType.WORKLOAD, "n3", List.of(ResourceCodec.encode(unrelated, "v1")), List.of());
        assertFalse(stream.nextRequest().hasErrorDetail(), "a later good push is accepted");
    }

    @Test
    void nacksWhatTheConsumerRejects() throws Exception {
        client = startClient(config -> {
            throw new IllegalStateException("tunnel cannot bind 10.0.0.1:15008");
        });
        Stream stream = controller.nextStream();
        stream.skipSubscriptions();
        stream.push(ResourceType.WORKLOAD, "n1", List.of(ResourceCodec.encode(ModelFixtures.workload(), "v1")),
                List.of());
        ConfigRequest nack = stream.nextRequest();
        assertEquals("tunnel cannot bind 10.0.0.1:15008", nack.getErrorDetail().getMessage());
        assertEquals(0, client.current().size());
    }

    @Test
    void reconnectsAndResumesFromTheVersionsItHolds() throws Exception {
        client = startClient(applied::add);
        Stream stream = controller.nextStream();
        stream.skipSubscriptions();
        Workload workload = ModelFixtures.workload();
        stream.push(ResourceType.WORKLOAD, "n1", List.of(ResourceCodec.encode(workload, "v7")), List.of());
        stream.nextRequest();

        stream.responses.onError(io.grpc.Status.UNAVAILABLE.withDescription("controller restarting").asException());
        Stream resumed = controller.nextStream();
        ConfigRequest first = resumed.nextRequest();
        assertEquals(NODE_A, first.getClient());
        assertEquals(Map.of(workload.uid(), "v7"), first.getInitialResourceVersionsMap(),
                "resume from what it holds");
        assertEquals(workload, client.current().find(Workload.class, workload.uid()).orElseThrow(),
                "kept serving the last config while disconnected");
    }

    @Test
    void isConnectedOnceItsStreamIsUpEvenBeforeAnyPush() throws Exception {
        client = startClient(applied::add);
        controller.nextStream().skipSubscriptions();
        // A client that resumes with everything current gets no push: the open stream alone says it is up.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!client.connected() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(client.connected(), "connected without a push");
        assertEquals(0, client.acceptedPushes());
    }

    private ConfigStreamClient startClient(ConfigConsumer consumer) {
        ConfigStreamClient started = new ConfigStreamClient(channel, NODE_A,
                List.of(ResourceType.WORKLOAD, ResourceType.SERVICE), consumer);
        started.start();
        return started;
    }

    /** One client stream as the fake controller sees it. */
    private static final class Stream {
        final BlockingQueue<ConfigRequest> requests = new LinkedBlockingQueue<>();
        final StreamObserver<ConfigResponse> responses;

        Stream(StreamObserver<ConfigResponse> responses) {
            this.responses = responses;
        }

        ConfigRequest nextRequest() throws InterruptedException {
            ConfigRequest request = requests.poll(10, TimeUnit.SECONDS);
            assertNotNull(request, "no request from the client");
            return request;
        }

        void skipSubscriptions() throws InterruptedException {
            nextRequest();
            nextRequest();
        }

        void push(ResourceType type, String nonce, List<Resource> resources, List<String> removed) {
            responses.onNext(ConfigResponse.newBuilder().setTypeUrl(type.typeUrl()).setNonce(nonce)
                    .setSystemVersionInfo("cv-" + nonce.substring(1))
                    .addAllResources(resources).addAllRemovedResources(removed).build());
        }
    }

    private static final class FakeController extends ConfigDiscoveryServiceGrpc.ConfigDiscoveryServiceImplBase {
        final BlockingQueue<Stream> streams = new LinkedBlockingQueue<>();

        @Override
        public StreamObserver<ConfigRequest> streamConfig(StreamObserver<ConfigResponse> responses) {
            Stream stream = new Stream(responses);
            streams.add(stream);
            return new StreamObserver<>() {
                @Override
                public void onNext(ConfigRequest request) {
                    stream.requests.add(request);
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
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
