package dev.ambit.control.stream;

import dev.ambit.api.config.ResourceType;
import dev.ambit.control.MetricValues;
import dev.ambit.control.metrics.ControlMetrics;
import dev.ambit.control.model.ConfigErrors;
import dev.ambit.control.model.MeshModel;
import dev.ambit.control.model.MeshSettings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** A model fed directly by the test, served over an in-process gRPC server. */
public final class StreamFixture implements AutoCloseable {

    public static final MeshSettings SETTINGS = new MeshSettings("cluster.local", "cluster.local", "ambit-system");
    public static final ConfigErrors IGNORE_ERRORS = new ConfigErrors() {
        @Override
        public void invalid(HasMetadata object, String field, String problem) {
        }

        @Override
        public void accepted(HasMetadata object) {
        }
    };

    /** The server's push pool: few, so that a test can outnumber it. */
    public static final int PUSH_THREADS = 2;

    public final ControlMetrics metrics = new ControlMetrics(new PrometheusRegistry());
    public final MeshModel model;
    public final ConfigDiscoveryService service;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final Server server;
    private final ManagedChannel channel;

    public StreamFixture(ConfigErrors errors, String source, Duration answerTimeout) throws IOException {
        model = new MeshModel(SETTINGS, errors, Set.of(source));
        service = new ConfigDiscoveryService(model, SETTINGS, metrics, 10_000, answerTimeout, PUSH_THREADS);
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).executor(executor).addService(service).build().start();
        channel = InProcessChannelBuilder.forName(name).executor(executor).build();
    }

    public StreamFixture() throws IOException {
        this(IGNORE_ERRORS, "test", Duration.ofSeconds(30));
    }

    public ManagedChannel channel() {
        return channel;
    }

    /** {@code ambit_control_config_nacks_total{type}}: the NACKs the server counted for {@code type}. */
    public double nacks(ResourceType type) {
        return MetricValues.value(metrics.registry(), "ambit_control_config_nacks", "type", type.kind());
    }

    public TestConfigClient node(String id, String node) {
        return TestConfigClient.node(channel, id, node);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
        service.close();
        model.close();
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
