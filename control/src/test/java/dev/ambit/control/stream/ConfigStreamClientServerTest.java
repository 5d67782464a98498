package dev.ambit.control.stream;

import static dev.ambit.control.TestObjects.namespace;
import static dev.ambit.control.TestObjects.node;
import static dev.ambit.control.TestObjects.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.config.stream.ConfigConsumer;
import dev.ambit.api.config.stream.ConfigStreamClient;
import dev.ambit.api.config.v1.ClientInfo;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.control.Eventually;
import dev.ambit.control.LogLines;
import dev.ambit.control.MetricValues;
import dev.ambit.control.server.GrpcServers;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The data plane's real config stream client ({@link ConfigStreamClient}, as node agents and waypoints run it)
 * against the controller's real stream server: what each side documents about the other.
 */
class ConfigStreamClientServerTest {

    private static final Duration WITHIN = Duration.ofSeconds(10);
    private static final ClientInfo AGENT = ClientInfo.newBuilder().setId("node-a/agent/1")
            .setKind(ClientInfo.Kind.NODE_AGENT).setNodeName("node-a").build();

    private StreamFixture fixture;
    private ConfigStreamClient client;

    @BeforeEach
    void start() throws Exception {
        fixture = new StreamFixture();
        fixture.model.upsert(namespace("demo", Map.of("ambit.dev/dataplane-mode", "ambient")));
        fixture.model.upsert(node("node-a", "10.0.0.1"));
        fixture.model.upsert(pod("demo", "good", "node-a", "10.1.0.1", "app", Map.of("app", "hello")));
        fixture.model.synced("test");
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        fixture.close();
    }

    @Test
    void aRejectedPushIsNackedCountedAndLoggedAndTheNextGoodVersionIsAcked() throws Exception {
        fixture.model.upsert(pod("demo", "bad", "node-a", "10.1.0.2", "app", Map.of("app", "hello", "broken", "yes")));
        // The model applies changes on its own thread: start once it holds both, so the first push does.
        Eventually.until(WITHIN, "the model holds demo-bad",
                () -> fixture.model.current().resources(ResourceType.WORKLOAD).containsKey("demo-bad"));
        ConfigConsumer refuseBroken = config -> config.all(Workload.class).stream()
                .filter(workload -> "yes".equals(workload.labels().get("broken"))).findFirst()
                .ifPresent(workload -> {
                    throw new IllegalStateException("workload " + workload.name() + " is labelled broken");
                });
        try (LogLines serverLog = new LogLines(ClientStream.class);
                LogLines clientLog = new LogLines(ConfigStreamClient.class)) {
            client = new ConfigStreamClient(fixture.channel(), AGENT, List.of(ResourceType.WORKLOAD), refuseBroken);
            client.start();

            // Both workloads come in one push, which the client refuses whole; the server halves it until only
            // demo-bad is refused.
            Eventually.until(WITHIN, "demo-good applied after the bisection", () -> holds("demo-good"));
            // The stream has one push in flight: this change is pushed only after every NACK above was answered.
            fixture.model.upsert(pod("demo", "later", "node-a", "10.1.0.3", "app", Map.of("app", "other")));
            Eventually.until(WITHIN, "the next change applied", () -> holds("demo-later"));
            assertFalse(holds("demo-bad"), "the client never applied the refused workload");
            assertEquals(2, client.rejectedPushes(), "the pair, then demo-bad alone");
            assertEquals(2, fixture.nacks(ResourceType.WORKLOAD), "the server counts each NACK");
            List<String> nacks = serverLog.containing("event=config_nack client=node-a/agent/1 node=node-a"
                    + " type=Workload");
            assertEquals(2, nacks.size(), "one line per NACK: " + nacks);
            nacks.forEach(line -> assertTrue(line.contains("reason=\"workload demo/bad is labelled broken\""), line));

            fixture.model.upsert(pod("demo", "bad", "node-a", "10.1.0.2", "app", Map.of("app", "hello")));
            Eventually.until(WITHIN, "the next version of demo-bad applied", () -> holds("demo-bad"));
            long accepted = client.acceptedPushes();
            fixture.model.upsert(pod("demo", "after", "node-a", "10.1.0.4", "app", Map.of("app", "other")));
            Eventually.until(WITHIN, "a change after it applied", () -> holds("demo-after"));
            assertEquals(2, fixture.nacks(ResourceType.WORKLOAD), "the fixed version was not NACKed");
            assertEquals(accepted + 1, client.acceptedPushes());
            // Had the server missed the ACK of the fixed demo-bad, it would have sent it again with demo-after.
            List<String> lastPush = clientLog.containing("event=config_push_accepted type=Workload");
            assertTrue(lastPush.get(lastPush.size() - 1).contains(" changed=1 removed=0 total=4"), lastPush.toString());
        }
    }

    @Test
    void aReconnectWithTheSameIdAbortsItsLeftoverStreamAndStaysOneClient() throws Exception {
        CallLog calls = new CallLog();
        ExecutorService executor = Executors.newFixedThreadPool(2);
        Server server = GrpcServers.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null, executor,
                fixture.service, List.of(calls));
        ManagedChannel channel = null;
        try (CuttableProxy proxy = new CuttableProxy(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                server.getPort()))) {
            channel = NettyChannelBuilder.forAddress(InetAddress.getLoopbackAddress().getHostAddress(), proxy.port())
                    .usePlaintext().build();
            client = new ConfigStreamClient(channel, AGENT, List.of(ResourceType.WORKLOAD), config -> {
            });
            client.start();
            Eventually.until(WITHIN, "the first config applied", () -> holds("demo-good"));
            long accepted = client.acceptedPushes();

            // The client loses its connection; the server keeps the stream of a connection it still thinks is up.
            proxy.cutClientSides();
            Status leftover = calls.closed(0).get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(Status.Code.ABORTED, leftover.getCode(), leftover.toString());
            assertEquals("replaced by a newer stream of the same client", leftover.getDescription());
            // The new stream is registered before the old one is aborted; the gauge is settled only later (below).
            assertEquals(1, fixture.service.connectedClients());
            Eventually.until(WITHIN, "the client reports its new stream up", client::connected);

            proxy.closeLeftovers();
            calls.ended(0).get(WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            fixture.model.upsert(pod("demo", "later", "node-a", "10.1.0.3", "app", Map.of("app", "other")));
            Eventually.until(WITHIN, "a change after the leftover ended applied", () -> holds("demo-later"));
            assertEquals(accepted + 1, client.acceptedPushes(), "resumed: nothing it held was sent again");
            assertEquals(1, fixture.service.connectedClients(), "the leftover's end did not unregister the client");
            // A push on the new stream comes after its opening was fully accounted, the old stream's end included.
            assertEquals(1, connectedGauge(), "ambit_control_connected_clients{kind=\"node_agent\"}");
            assertEquals(2, calls.started(), "one reconnect");
        } finally {
            client.close();
            if (channel != null) {
                channel.shutdownNow();
            }
            server.shutdownNow();
            executor.shutdownNow();
        }
    }

    private boolean holds(String workload) {
        return client.current().resources(ResourceType.WORKLOAD).containsKey(workload);
    }

    private double connectedGauge() {
        return MetricValues.value(fixture.metrics.registry(), "ambit_control_connected_clients", "kind",
                "node_agent");
    }

    /** The status each call was closed with by the server, and when each call ended, in the order calls began. */
    private static final class CallLog implements ServerInterceptor {
        private final List<CompletableFuture<Status>> closed = new CopyOnWriteArrayList<>();
        private final List<CompletableFuture<Void>> ended = new CopyOnWriteArrayList<>();

        @Override
        public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                ServerCallHandler<Q, R> next) {
            CompletableFuture<Status> closing = new CompletableFuture<>();
            CompletableFuture<Void> end = new CompletableFuture<>();
            synchronized (this) {
                closed.add(closing);
                ended.add(end);
            }
            ServerCall.Listener<Q> listener = next.startCall(new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                @Override
                public void close(Status status, Metadata trailers) {
                    closing.complete(status);
                    super.close(status, trailers);
                }
            }, headers);
            return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
                @Override
                public void onComplete() {
                    super.onComplete();
                    end.complete(null);
                }

                @Override
                public void onCancel() {
                    super.onCancel();
                    end.complete(null);
                }
            };
        }

        int started() {
            return closed.size();
        }

        CompletableFuture<Status> closed(int call) throws InterruptedException {
            Eventually.until(WITHIN, "call " + call + " began", () -> closed.size() > call);
            return closed.get(call);
        }

        CompletableFuture<Void> ended(int call) throws InterruptedException {
            Eventually.until(WITHIN, "call " + call + " began", () -> ended.size() > call);
            return ended.get(call);
        }
    }
}
