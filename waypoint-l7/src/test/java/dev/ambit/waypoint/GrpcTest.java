package dev.ambit.waypoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.model.traffic.FaultAbort;
import dev.ambit.api.model.traffic.FaultInjection;
import dev.ambit.api.model.traffic.RetryPolicy;
import dev.ambit.waypoint.testing.Mesh;
import dev.ambit.waypoint.testing.NoLeaks;
import dev.ambit.waypoint.testing.WaypointHarness;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A grpc-java service behind the waypoint: unary, server streaming, bidirectional streaming, error statuses with
 * trailers, retries on a gRPC status, and a gRPC fault abort. Messages are plain UTF-8 strings (no proto needed).
 */
@ExtendWith(NoLeaks.class)
class GrpcTest {

    static final MethodDescriptor.Marshaller<String> UTF8 = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    static final MethodDescriptor<String, String> SAY = method(MethodDescriptor.MethodType.UNARY, "Say");
    static final MethodDescriptor<String, String> COUNT = method(MethodDescriptor.MethodType.SERVER_STREAMING, "Count");
    static final MethodDescriptor<String, String> CHAT = method(MethodDescriptor.MethodType.BIDI_STREAMING, "Chat");
    static final MethodDescriptor<String, String> FAIL = method(MethodDescriptor.MethodType.UNARY, "Fail");
    static final MethodDescriptor<String, String> FLAKY = method(MethodDescriptor.MethodType.UNARY, "Flaky");
    static final Metadata.Key<String> DETAIL = Metadata.Key.of("x-detail", Metadata.ASCII_STRING_MARSHALLER);

    static Server server;
    static WaypointHarness waypoint;
    static ManagedChannel channel;
    static final AtomicInteger flakyCalls = new AtomicInteger();

    static MethodDescriptor<String, String> method(MethodDescriptor.MethodType type, String name) {
        return MethodDescriptor.<String, String>newBuilder().setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName("test.Echo", name))
                .setRequestMarshaller(UTF8).setResponseMarshaller(UTF8).build();
    }

    @BeforeAll
    static void start() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerServiceDefinition.builder("test.Echo")
                        .addMethod(SAY, ServerCalls.asyncUnaryCall((request, out) -> {
                            out.onNext("hello " + request);
                            out.onCompleted();
                        }))
                        .addMethod(COUNT, ServerCalls.asyncServerStreamingCall((request, out) -> {
                            for (int i = 1; i <= Integer.parseInt(request); i++) {
                                out.onNext(Integer.toString(i));
                            }
                            out.onCompleted();
                        }))
                        .addMethod(CHAT, ServerCalls.asyncBidiStreamingCall(out -> new StreamObserver<String>() {
                            @Override
                            public void onNext(String value) {
                                out.onNext("echo " + value);
                            }

                            @Override
                            public void onError(Throwable t) {
                            }

                            @Override
                            public void onCompleted() {
                                out.onCompleted();
                            }
                        }))
                        .addMethod(FAIL, ServerCalls.asyncUnaryCall((request, out) -> {
                            Metadata trailers = new Metadata();
                            trailers.put(DETAIL, "missing " + request);
                            out.onError(Status.NOT_FOUND.withDescription("no " + request).asRuntimeException(trailers));
                        }))
                        .addMethod(FLAKY, ServerCalls.asyncUnaryCall((request, out) -> {
                            if (flakyCalls.incrementAndGet() % 2 == 1) {
                                out.onError(Status.UNAVAILABLE.withDescription("try again").asRuntimeException());
                            } else {
                                out.onNext("made it");
                                out.onCompleted();
                            }
                        }))
                        .build())
                .build().start();
        int port = ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
        waypoint = new WaypointHarness(WaypointSettings.defaults());
        waypoint.update(new Mesh()
                .service("grpc", Optional.of("grpc"), port)
                .service("grpc-faulty", Optional.of("grpc"), port)
                .policy(Mesh.trafficPolicy("grpc").retries(new RetryPolicy(2, Optional.empty(), Set.of(), Set.of(),
                        Set.of(Status.Code.UNAVAILABLE.value()), Optional.empty())).build())
                .policy(Mesh.trafficPolicy("grpc-faulty").fault(new FaultInjection(Optional.empty(),
                        Optional.of(FaultAbort.grpc(100, Status.Code.RESOURCE_EXHAUSTED.value())))).build())
                .config());
        channel = channel("grpc");
    }

    static ManagedChannel channel(String service) {
        return NettyChannelBuilder.forAddress("127.0.0.1", waypoint.port()).usePlaintext()
                .overrideAuthority(Mesh.host(service)).build();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        waypoint.close();
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void unary() {
        assertEquals("hello ambit", ClientCalls.blockingUnaryCall(channel, SAY, CallOptions.DEFAULT, "ambit"));
    }

    @Test
    void serverStreaming() {
        Iterator<String> numbers = ClientCalls.blockingServerStreamingCall(channel, COUNT, CallOptions.DEFAULT, "50");
        List<String> received = new ArrayList<>();
        numbers.forEachRemaining(received::add);
        assertEquals(50, received.size());
        assertEquals("50", received.get(49));
    }

    @Test
    void bidirectionalStreaming() throws Exception {
        List<String> received = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<String> requests = ClientCalls.asyncBidiStreamingCall(channel.newCall(CHAT, CallOptions.DEFAULT),
                new StreamObserver<>() {
                    @Override
                    public void onNext(String value) {
                        synchronized (received) {
                            received.add(value);
                        }
                    }

                    @Override
                    public void onError(Throwable t) {
                        done.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(null);
                    }
                });
        for (int i = 0; i < 20; i++) {
            requests.onNext("m" + i);
        }
        requests.onCompleted();
        done.get(10, TimeUnit.SECONDS);
        assertEquals(20, received.size());
        assertEquals("echo m19", received.get(19));
    }

    @Test
    void errorStatusAndTrailersArriveIntact() {
        StatusRuntimeException error = assertThrows(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(channel, FAIL, CallOptions.DEFAULT, "thing"));
        assertEquals(Status.Code.NOT_FOUND, error.getStatus().getCode());
        assertEquals("no thing", error.getStatus().getDescription());
        assertEquals("missing thing", error.getTrailers().get(DETAIL));
    }

    @Test
    void unavailableIsRetriedByGrpcStatus() {
        for (int i = 0; i < 5; i++) {
            assertEquals("made it", ClientCalls.blockingUnaryCall(channel, FLAKY, CallOptions.DEFAULT, "x"));
        }
    }

    @Test
    void grpcFaultAbortAnswersWithTheGrpcStatus() throws InterruptedException {
        ManagedChannel faulty = channel("grpc-faulty");
        try {
            StatusRuntimeException error = assertThrows(StatusRuntimeException.class,
                    () -> ClientCalls.blockingUnaryCall(faulty, SAY, CallOptions.DEFAULT, "x"));
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, error.getStatus().getCode());
            assertTrue(error.getStatus().getDescription().contains("fault"));
        } finally {
            faulty.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
