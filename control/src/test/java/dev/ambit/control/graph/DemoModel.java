package dev.ambit.control.graph;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.ambit.control.model.ConfigErrors;
import dev.ambit.control.model.ConfigSnapshot;
import dev.ambit.control.model.MeshModel;
import dev.ambit.control.model.MeshSettings;
import dev.ambit.control.source.file.FileSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The local demo's mesh (examples/demo) as the controller models it, in the state of the demo's DENY step: hello-svc
 * uses the waypoint and the deny-client AuthorizationPolicy applies.
 */
final class DemoModel {

    static final String ROOT_NAMESPACE = "ambit-system";
    static final String CLIENT = "spiffe://cluster.local/ns/demo/sa/client";
    static final String HELLO = "spiffe://cluster.local/ns/demo/sa/hello";
    static final String WAYPOINT = "spiffe://cluster.local/ns/demo/sa/waypoint";
    static final String HELLO_SVC = "hello-svc.demo.svc.cluster.local";

    private DemoModel() {
    }

    static ConfigSnapshot snapshot(Path dir) throws Exception {
        Path demo = Path.of("..", "examples", "demo");
        try (Stream<Path> files = Files.list(demo)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).toList()) {
                Files.copy(file, dir.resolve(file.getFileName()));
            }
        }
        Files.copy(demo.resolve("steps/11-hello-svc.yaml"), dir.resolve("11-hello-svc.yaml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(demo.resolve("steps/44-deny-client.yaml"), dir.resolve("44-deny-client.yaml"));
        BlockingQueue<ConfigSnapshot> published = new LinkedBlockingQueue<>();
        MeshModel model = new MeshModel(new MeshSettings("cluster.local", "cluster.local", ROOT_NAMESPACE),
                new ConfigErrors() {
                    @Override
                    public void invalid(HasMetadata object, String field, String problem) {
                        throw new AssertionError("the demo's YAML is valid: " + field + " " + problem);
                    }

                    @Override
                    public void accepted(HasMetadata object) {
                    }
                }, Set.of(FileSource.NAME));
        model.addListener(published::add);
        try (FileSource source = new FileSource(dir, Duration.ofHours(1))) {
            source.start(model);
            ConfigSnapshot snapshot = published.poll(10, TimeUnit.SECONDS);
            assertNotNull(snapshot, "the model published the demo");
            return snapshot;
        } finally {
            model.close();
        }
    }
}
