package dev.ambit.control.source.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.config.v1.Workload;
import dev.ambit.control.stream.StreamFixture;
import dev.ambit.control.stream.TestConfigClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSourceTest {

    /** A bound for failing only: on a loaded 2-core CI host the mock API server and informers are slow. */
    private static final Duration WITHIN = Duration.ofSeconds(10);

    private static final String MESH = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: demo
              labels:
                ambit.dev/dataplane-mode: ambient
            ---
            apiVersion: v1
            kind: Node
            metadata:
              name: node-a
            status:
              addresses:
              - type: InternalIP
                address: 10.0.0.1
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: hello
              namespace: demo
            spec:
              clusterIP: 10.96.0.10
              selector:
                app: hello
              ports:
              - name: http
                port: 80
                targetPort: 8080
            """;

    private static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: hello-1
              namespace: demo
              labels:
                app: hello
                version: %s
            spec:
              nodeName: node-a
              serviceAccountName: hello
            status:
              podIP: 10.1.0.1
            """;

    @TempDir
    Path dir;
    private StreamFixture fixture;
    private FileSource files;
    private FileConfigErrors errors;
    private TestConfigClient client;

    @BeforeEach
    void start() throws Exception {
        Files.writeString(dir.resolve("mesh.yaml"), MESH);
        Files.writeString(dir.resolve("pod.yaml"), POD.formatted("v1"));
        files = new FileSource(dir, Duration.ofMillis(200));
        fixture = new StreamFixture(new ErrorsHolder(), FileSource.NAME, Duration.ofSeconds(30));
        errors = new FileConfigErrors(files, fixture.metrics);
        ErrorsHolder.target = errors;
        files.start(fixture.model);
        client = fixture.node("agent-a", "node-a").subscribe(ResourceType.WORKLOAD, ResourceType.SERVICE,
                ResourceType.AUTHORIZATION_POLICY);
        client.await(ResourceType.WORKLOAD, state -> state.containsKey("demo/hello-1"), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        files.close();
        fixture.close();
    }

    @Test
    void readsPodsWithTheirNodeTunnelAndDerivesEndpointsFromSelectors() throws Exception {
        Workload workload = client.state(ResourceType.WORKLOAD).get("demo/hello-1").getWorkload();
        assertEquals(Workload.DataplaneMode.AMBIENT, workload.getDataplaneMode());
        assertEquals("10.0.0.1", workload.getTunnel().getIp());
        assertEquals("hello", workload.getCanonicalName());
        client.await(ResourceType.SERVICE, state -> state.containsKey("demo/hello")
                && state.get("demo/hello").getService().getEndpoints(0).getPortsMap().equals(Map.of(80, 8080)), WITHIN);
    }

    @Test
    void editedFileIsPushed() throws Exception {
        Files.writeString(dir.resolve("pod.yaml"), POD.formatted("v2"));
        // A file being rewritten may be read empty for a moment: wait for the new version, not just any.
        client.await(ResourceType.WORKLOAD, state -> state.containsKey("demo/hello-1")
                && state.get("demo/hello-1").getWorkload().getCanonicalRevision().equals("v2"), WITHIN);
        Files.delete(dir.resolve("pod.yaml"));
        client.await(ResourceType.WORKLOAD, state -> !state.containsKey("demo/hello-1"), WITHIN);
    }

    @Test
    void invalidYamlIsReportedWithFileAndLineAndThePreviousVersionStays() throws Exception {
        Path pod = dir.resolve("pod.yaml");
        // Replaced whole, as an editor saving by rename does: a file read half-written is a different story.
        replace(pod, POD.formatted("v1").replace("  nodeName: node-a", "  nodeName: [node-a"));
        awaitError(pod, error -> error.startsWith(pod + ":11: invalid YAML"));
        replace(pod, POD.formatted("v1").replace("podIP: 10.1.0.1", "podIP: [1]"));
        String error = awaitError(pod, reported -> reported.contains(pod + ":13:"));
        assertTrue(error.contains("status.podIP"), error);

        replace(pod, POD.formatted("v3"));
        client.await(ResourceType.WORKLOAD, state -> state.containsKey("demo/hello-1")
                && state.get("demo/hello-1").getWorkload().getCanonicalRevision().equals("v3"), WITHIN);
        assertTrue(files.errors().isEmpty());
        // v3 was read after both invalid versions, so whatever they had pushed came before it.
        assertEquals(List.of("v1", "v3"), revisionsPushed("demo/hello-1"),
                "the last good version keeps being served until the next good one");
    }

    @Test
    void invalidPolicyIsReportedAtItsFieldsLine() throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, """
                apiVersion: security.ambit.dev/v1
                kind: AuthorizationPolicy
                metadata:
                  name: allow-frontend
                  namespace: demo
                spec:
                  action: ALLOW
                  rules:
                  - from:
                    - source:
                        principals:
                        - spiffe://cluster.local/ns/demo/sa/frontend
                        - spiffe://cluster.local/ns/Demo/sa/frontend
                """);
        long deadline = System.nanoTime() + WITHIN.toNanos() * 3;
        while (errors.reported().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        String report = errors.reported().values().iterator().next();
        assertTrue(report.startsWith(policy + ":13: AuthorizationPolicy demo/allow-frontend: "
                + "spec.rules[0].from[0].source.principals[1]"), report);

        Files.writeString(policy, "apiVersion: security.ambit.dev/v1\nkind: AuthorizationPolicy\nmetadata:\n"
                + "  name: allow-frontend\n  namespace: demo\nspec:\n  acton: ALLOW\n");
        awaitError(policy);
        assertTrue(files.errors().get(policy).contains(policy + ":7:") && files.errors().get(policy)
                .contains("unknown field 'acton'"), files.errors().get(policy));
    }

    private void awaitError(Path file) throws InterruptedException {
        awaitError(file, error -> true);
    }

    /** The error reported for {@code file} once it satisfies {@code expected}. */
    private String awaitError(Path file, Predicate<String> expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        String error = files.errors().get(file);
        while ((error == null || !expected.test(error)) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            error = files.errors().get(file);
        }
        assertTrue(error != null && expected.test(error), "no such error reported for " + file + ": " + error);
        return error;
    }

    /** Writes {@code content} beside {@code file} under a name the source ignores, then renames it over. */
    private static void replace(Path file, String content) throws IOException {
        Path written = Files.writeString(file.resolveSibling("." + file.getFileName() + ".tmp"), content);
        Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The revision of each version of {@code name} the client was sent, in order; "removed" for a removal. */
    private List<String> revisionsPushed(String name) {
        List<String> revisions = new ArrayList<>();
        for (TestConfigClient.Push push : client.pushes()) {
            if (!push.response().getTypeUrl().equals(ResourceType.WORKLOAD.typeUrl())) {
                continue;
            }
            push.response().getResourcesList().stream().filter(resource -> resource.getName().equals(name))
                    .forEach(resource -> revisions.add(resource.getWorkload().getCanonicalRevision()));
            if (push.response().getRemovedResourcesList().contains(name)) {
                revisions.add("removed");
            }
        }
        return revisions;
    }

    /** The model needs its error sink before the file source exists; this hands the calls on. */
    private static final class ErrorsHolder implements dev.ambit.control.model.ConfigErrors {
        static volatile FileConfigErrors target;

        @Override
        public void invalid(io.fabric8.kubernetes.api.model.HasMetadata object, String field, String problem) {
            target.invalid(object, field, problem);
        }

        @Override
        public void accepted(io.fabric8.kubernetes.api.model.HasMetadata object) {
            target.accepted(object);
        }
    }
}
