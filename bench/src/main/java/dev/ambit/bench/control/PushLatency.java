package dev.ambit.bench.control;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.config.stream.ConfigStreamClient;
import dev.ambit.api.config.stream.MeshConfig;
import dev.ambit.api.config.v1.ClientInfo;
import dev.ambit.api.model.workload.MeshService;
import dev.ambit.bench.topology.CommandLine;
import dev.ambit.control.metrics.ControlMetrics;
import dev.ambit.control.model.ConfigErrors;
import dev.ambit.control.model.MeshModel;
import dev.ambit.control.model.MeshSettings;
import dev.ambit.control.stream.ConfigDiscoveryService;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Push latency of one change to many node agents: the controller's config stream service over gRPC on loopback,
 * {@code --clients} data-plane stream clients (the api's {@link ConfigStreamClient}, one TCP connection each, as
 * separate agents have), spread over 50 nodes. After every client holds the initial config, one service's port
 * changes; the latency of each client is the time until its consumer has applied the new view. Prints one JSON line.
 *
 * <p>{@code PushLatency [--clients 500]}
 */
public final class PushLatency {

    private static final int NODES = 50;
    private static final int CHANGED_PORT = 8080;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ConfigErrors QUIET = new ConfigErrors() {
        @Override
        public void invalid(HasMetadata object, String field, String problem) {
        }

        @Override
        public void accepted(HasMetadata object) {
        }
    };

    private PushLatency() {
    }

    public static void main(String[] argv) throws Exception {
        int clients = new CommandLine(argv).integer("clients", 500);
        MeshSettings settings = new MeshSettings("cluster.local", "cluster.local", "ambit-system");
        MeshModel model = new MeshModel(settings, QUIET, Set.of("bench"));
        model.upsert(MeshObjects.ambientNamespace());
        for (int i = 0; i < NODES; i++) {
            model.upsert(MeshObjects.node(i));
            model.upsert(MeshObjects.pod(i));
        }
        model.upsert(MeshObjects.helloService(80));
        model.synced("bench");
        ConfigDiscoveryService service = new ConfigDiscoveryService(model, settings,
                new ControlMetrics(new PrometheusRegistry()), 10_000, Duration.ofSeconds(30), 2);
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .addService(service).build().start();
        EventLoopGroup clientLoops = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

        CountDownLatch initial = new CountDownLatch(clients);
        CountDownLatch changed = new CountDownLatch(clients);
        AtomicLongArray initialAt = new AtomicLongArray(clients);
        AtomicLongArray appliedAt = new AtomicLongArray(clients);
        List<ManagedChannel> channels = new ArrayList<>();
        List<ConfigStreamClient> streams = new ArrayList<>();
        long connectStart = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext()
                    .eventLoopGroup(clientLoops).channelType(NioSocketChannel.class).build();
            channels.add(channel);
            int index = i;
            ConfigStreamClient stream = new ConfigStreamClient(channel, ClientInfo.newBuilder()
                    .setId("agent-" + i).setKind(ClientInfo.Kind.NODE_AGENT).setNodeName(MeshObjects.nodeName(i % NODES))
                    .build(), List.of(ResourceType.WORKLOAD, ResourceType.SERVICE),
                    config -> helloService(config).ifPresent(hello -> {
                        boolean isChanged = hello.ports().stream().anyMatch(port -> port.port() == CHANGED_PORT);
                        markOnce(isChanged ? appliedAt : initialAt, index, isChanged ? changed : initial);
                    }));
            streams.add(stream);
            stream.start();
        }
        await(initial, "initial config");
        long initialMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connectStart);

        long changedAt = System.nanoTime();
        model.upsert(MeshObjects.helloService(CHANGED_PORT));
        await(changed, "the changed service");
        long[] micros = new long[clients];
        for (int i = 0; i < clients; i++) {
            micros[i] = TimeUnit.NANOSECONDS.toMicros(appliedAt.get(i) - changedAt);
        }
        Percentiles latency = new Percentiles(micros);
        System.out.printf("{\"name\":\"config push, 1 change to %d clients\",\"clients\":%d,\"initial_ms\":%d,"
                        + "\"p50_us\":%d,\"p99_us\":%d,\"max_us\":%d}%n", clients, clients, initialMillis,
                latency.at(50), latency.at(99), latency.at(100));

        streams.forEach(ConfigStreamClient::close);
        channels.forEach(ManagedChannel::shutdownNow);
        server.shutdownNow();
        service.close();
        model.close();
        clientLoops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static Optional<MeshService> helloService(MeshConfig config) {
        return config.all(MeshService.class).stream()
                .filter(service -> service.name().name().equals("hello"))
                .findFirst();
    }

    /** Records the first time {@code client} got here and counts it down; later pushes to it are not counted. */
    private static void markOnce(AtomicLongArray times, int client, CountDownLatch latch) {
        if (times.compareAndSet(client, 0, System.nanoTime())) {
            latch.countDown();
        }
    }

    private static void await(CountDownLatch latch, String what) throws InterruptedException {
        if (!latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException(latch.getCount() + " clients did not get " + what + " within " + WAIT);
        }
    }
}
