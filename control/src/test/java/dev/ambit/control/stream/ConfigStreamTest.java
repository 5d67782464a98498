package dev.ambit.control.stream;

import static dev.ambit.control.TestObjects.namespace;
import static dev.ambit.control.TestObjects.node;
import static dev.ambit.control.TestObjects.pod;
import static dev.ambit.control.TestObjects.service;
import static dev.ambit.control.stream.StreamFixture.PUSH_THREADS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.config.v1.ClientInfo;
import dev.ambit.api.config.v1.ConfigResponse;
import dev.ambit.api.config.v1.Resource;
import dev.ambit.control.Eventually;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ConfigStreamTest {

    /** A bound for failing only: on a loaded 2-core CI host the mock API server and informers are slow. */
    private static final Duration WITHIN = Duration.ofSeconds(30);

    private StreamFixture fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = new StreamFixture();
        fixture.model.upsert(namespace("demo", Map.of("ambit.dev/dataplane-mode", "ambient")));
        fixture.model.upsert(node("node-a", "10.0.0.1"));
        fixture.model.upsert(node("node-b", "10.0.0.2"));
        fixture.model.upsert(pod("demo", "good", "node-a", "10.1.0.1", "app", Map.of("app", "hello")));
        fixture.model.upsert(service("demo", "hello", "10.96.0.1", Map.of("app", "hello"), 80));
        fixture.model.synced("test");
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    @Test
    void nackedVersionIsCountedAndNotResentButItsNextVersionIs() throws Exception {
        fixture.model.upsert(pod("demo", "bad", "node-a", "10.1.0.2", "app", Map.of("app", "hello")));
        // The model applies changes on its own thread: subscribe once it holds both, so the first push does.
        Eventually.until(WITHIN, "the model holds demo-bad",
                () -> fixture.model.current().resources(ResourceType.WORKLOAD).containsKey("demo-bad"));
        try (TestConfigClient client = fixture.node("agent-a", "node-a")) {
            client.rejectWhen(resource -> resource.getName().equals("demo-bad"));
            client.subscribe(ResourceType.WORKLOAD);

            // The first push holds both workloads; its NACK is bisected until only the bad one is refused.
            client.await(ResourceType.WORKLOAD, state -> state.containsKey("demo-good"), WITHIN);
            client.awaitAnswers(answers -> answers.stream().anyMatch(answer -> answer.nacked()
                    && names(answer.push()).equals(Set.of("demo-bad"))), WITHIN);
            // The next change must come after any resend of the rejected version: the stream has one push in flight
            // at a time, and the NACK of demo-bad alone was answered before this change exists.
            fixture.model.upsert(pod("demo", "later", "node-a", "10.1.0.3", "app", Map.of("app", "other")));
            client.await(ResourceType.WORKLOAD, state -> state.containsKey("demo-later"), WITHIN);
            List<ConfigResponse> pushes = client.pushes().stream().map(TestConfigClient.Push::response).toList();
            assertEquals(Set.of("demo-later"), names(pushes.get(pushes.size() - 1)), "the push after the NACKs");
            assertEquals(2, pushes.stream().filter(push -> names(push).contains("demo-bad")).count(),
                    "demo-bad went out with demo-good, then alone, and never again: " + pushes);
            assertFalse(client.state(ResourceType.WORKLOAD).containsKey("demo-bad"));
            long nacked = client.answers().stream().filter(TestConfigClient.Answer::nacked).count();
            assertEquals(2, nacked, "the pair, then demo-bad alone");
            assertEquals(nacked, fixture.nacks(ResourceType.WORKLOAD), "every NACK is counted");

            client.rejectWhen(resource -> false);
            fixture.model.upsert(relabelled(pod("demo", "bad", "node-a", "10.1.0.2", "app", Map.of("app", "hello"))));
            client.await(ResourceType.WORKLOAD, state -> state.containsKey("demo-bad"), WITHIN);
            assertEquals(nacked, fixture.nacks(ResourceType.WORKLOAD), "its next version is ACKed, not NACKed");
        }
    }

    @Test
    void reconnectResumesWithoutResendingWhatTheClientHolds() throws Exception {
        Map<String, String> held;
        try (TestConfigClient first = fixture.node("agent-a", "node-a")) {
            first.subscribe(ResourceType.WORKLOAD, ResourceType.SERVICE);
            first.await(ResourceType.SERVICE, state -> state.containsKey("demo/hello"), WITHIN);
            first.await(ResourceType.WORKLOAD, state -> state.containsKey("demo-good"), WITHIN);
            held = first.versions(ResourceType.SERVICE);
        }
        fixture.model.upsert(pod("demo", "other", "node-a", "10.1.0.3", "app", Map.of("app", "other")));
        while (!fixture.model.current().resources(ResourceType.WORKLOAD).containsKey("demo-other")) {
            Thread.sleep(5);
        }
        Map<String, String> staleWorkloads = Map.of("demo-good", "stale-version", "demo-gone", "v1");
        try (TestConfigClient second = fixture.node("agent-a", "node-a")) {
            second.subscribe(ResourceType.SERVICE, held);
            second.subscribe(ResourceType.WORKLOAD, staleWorkloads);
            second.await(ResourceType.WORKLOAD, state -> state.containsKey("demo-other"), WITHIN);
            // A later change comes after anything the resume sent: every drain offers workloads before services,
            // so a resend of either would reach the client before this new service does.
            fixture.model.upsert(service("demo", "later", "10.96.0.2", Map.of("app", "nobody"), 80));
            second.await(ResourceType.SERVICE, state -> state.containsKey("demo/later"), WITHIN);
            List<TestConfigClient.Push> pushes = second.pushes();
            var servicePushes = pushes.stream()
                    .filter(push -> push.response().getTypeUrl().equals(ResourceType.SERVICE.typeUrl()))
                    .map(push -> names(push.response())).toList();
            assertEquals(List.of(Set.of("demo/later")), servicePushes,
                    "the services the client held must not be resent, only the new one sent");
            var workloadPush = pushes.stream()
                    .filter(push -> push.response().getTypeUrl().equals(ResourceType.WORKLOAD.typeUrl()))
                    .map(TestConfigClient.Push::response).toList();
            assertEquals(1, workloadPush.size(), "one workload push: " + workloadPush);
            assertEquals(List.of("demo-gone"), workloadPush.get(0).getRemovedResourcesList());
            assertEquals(Set.of("demo-good", "demo-other"), names(workloadPush.get(0)),
                    "the stale and the new workload only");
        }
    }

    @Test
    void stalledClientsDelayNobodyAndGetOnlyTheLatestState() throws Exception {
        // More stalled clients than push threads: were a push to wait on a client that reads nothing, every push
        // thread would be stuck and nobody else would get the changes below.
        List<TestConfigClient> stalled = new ArrayList<>();
        for (int i = 0; i < PUSH_THREADS + 1; i++) {
            stalled.add(new TestConfigClient(fixture.channel(), ClientInfo.newBuilder().setId("stalled-" + i)
                    .setKind(ClientInfo.Kind.NODE_AGENT).setNodeName("node-a").build(), true)
                    .subscribe(ResourceType.WORKLOAD));
        }
        List<TestConfigClient> others = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            others.add(fixture.node("agent-" + i, "node-a").subscribe(ResourceType.WORKLOAD));
        }
        for (TestConfigClient other : others) {
            other.await(ResourceType.WORKLOAD, state -> state.containsKey("demo-good"), WITHIN);
        }
        for (int change = 0; change < 50; change++) {
            fixture.model.upsert(pod("demo", "good", "node-a", "10.1.0.1", "app", Map.of("app", "hello", "rev", "r" + change)));
        }
        for (TestConfigClient other : others) {
            other.await(ResourceType.WORKLOAD, state -> labelOf(state.get("demo-good")).equals("r49"), WITHIN);
        }
        for (TestConfigClient client : stalled) {
            assertEquals(0, client.pushes().size(), "nothing is sent to a client that reads nothing");
        }

        for (TestConfigClient client : stalled) {
            client.read(100);
            client.await(ResourceType.WORKLOAD, state -> state.containsKey("demo-good")
                    && labelOf(state.get("demo-good")).equals("r49"), WITHIN);
            assertTrue(client.pushes().size() <= 2, "coalesced to the latest state, got " + client.pushes().size());
        }
        others.forEach(TestConfigClient::close);
        stalled.forEach(TestConfigClient::close);
    }

    @Test
    void clientThatStopsAnsweringIsDisconnected() throws Exception {
        fixture.close();
        fixture = new StreamFixture(StreamFixture.IGNORE_ERRORS, "test", Duration.ofMillis(400));
        fixture.model.upsert(node("node-a", "10.0.0.1"));
        fixture.model.upsert(pod("demo", "good", "node-a", "10.1.0.1", "app", Map.of("app", "hello")));
        fixture.model.synced("test");
        TestConfigClient silent = fixture.node("silent", "node-a");
        silent.mute();
        silent.subscribe(ResourceType.WORKLOAD);
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (silent.closedWith() == null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(Status.Code.DEADLINE_EXCEEDED, silent.closedWith() == null ? null : silent.closedWith().getCode());
    }

    @Test
    void fiveHundredClientsEachReceiveTheirConfig() throws Exception {
        int clients = 500;
        for (int i = 0; i < 50; i++) {
            fixture.model.upsert(node("node-" + i, "10.0.1." + i));
            fixture.model.upsert(pod("demo", "pod-" + i, "node-" + i, "10.2.0." + i, "sa-" + i, Map.of("app", "hello")));
        }
        List<TestConfigClient> all = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            all.add(fixture.node("agent-" + i, "node-" + (i % 50)).subscribe(ResourceType.WORKLOAD, ResourceType.SERVICE));
        }
        for (int i = 0; i < clients; i++) {
            String own = "demo-pod-" + (i % 50);
            all.get(i).await(ResourceType.WORKLOAD, state -> state.containsKey(own), Duration.ofSeconds(20));
            all.get(i).await(ResourceType.SERVICE, state -> state.containsKey("demo/hello")
                    && state.get("demo/hello").getService().getEndpointsCount() == 51, Duration.ofSeconds(20));
        }
        long initialMillis = (System.nanoTime() - start) / 1_000_000;

        long changedAt = System.nanoTime();
        fixture.model.upsert(service("demo", "hello", "10.96.0.1", Map.of("app", "hello"), 8080));
        List<Long> latencies = new ArrayList<>();
        for (TestConfigClient client : all) {
            client.await(ResourceType.SERVICE, state -> state.get("demo/hello").getService().getPorts(0).getPort() == 8080,
                    Duration.ofSeconds(20));
            long received = client.pushes().get(client.pushes().size() - 1).receivedNanos();
            latencies.add((received - changedAt) / 1_000);
        }
        Collections.sort(latencies);
        long p50 = latencies.get(latencies.size() / 2);
        long p99 = latencies.get(latencies.size() * 99 / 100);
        System.out.printf("config push to %d clients: initial config to all in %d ms; one service change:"
                + " p50 %.1f ms, p99 %.1f ms%n", clients, initialMillis, p50 / 1000.0, p99 / 1000.0);
        assertEquals(clients, fixture.service.connectedClients());
        all.forEach(TestConfigClient::close);
    }

    private static Pod relabelled(Pod pod) {
        return new PodBuilder(pod).editMetadata().addToLabels("fixed", "yes").endMetadata().build();
    }

    private static Set<String> names(ConfigResponse push) {
        return push.getResourcesList().stream().map(Resource::getName).collect(Collectors.toSet());
    }

    private static String labelOf(Resource workload) {
        return workload == null ? "" : new HashMap<>(workload.getWorkload().getLabelsMap()).getOrDefault("rev", "");
    }
}
