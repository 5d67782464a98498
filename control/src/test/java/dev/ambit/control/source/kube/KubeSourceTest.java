package dev.ambit.control.source.kube;

import static dev.ambit.control.TestObjects.namespace;
import static dev.ambit.control.TestObjects.node;
import static dev.ambit.control.TestObjects.pod;
import static dev.ambit.control.TestObjects.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.config.v1.Resource;
import dev.ambit.api.config.v1.Workload;
import dev.ambit.control.crd.AuthorizationPolicyResource;
import dev.ambit.control.crd.AuthorizationPolicySpec;
import dev.ambit.control.leader.LeaderGate;
import dev.ambit.control.metrics.ControlMetrics;
import dev.ambit.control.stream.StreamFixture;
import dev.ambit.control.stream.TestConfigClient;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class KubeSourceTest {

    /** A bound for failing only: on a loaded 2-core CI host the mock API server and informers are slow. */
    private static final Duration WITHIN = Duration.ofSeconds(10);

    static KubernetesClient client;

    private KubeConfigErrors errors;
    private StreamFixture fixture;
    private KubeSource source;
    private TestConfigClient agent;

    @BeforeEach
    void start() throws Exception {
        client.resource(namespace("demo", Map.of())).createOr(NonDeletingOperation::update);
        client.resource(node("node-a", "10.0.0.1")).createOr(NonDeletingOperation::update);
        client.resource(pod("demo", "hello-1", "node-a", "10.1.0.1", "hello", Map.of("app", "hello"))).createOr(NonDeletingOperation::update);
        client.resource(service("demo", "hello", "10.96.0.10", Map.of("app", "hello"), 80)).createOr(NonDeletingOperation::update);
        client.resource(slice("10.1.0.1")).createOr(NonDeletingOperation::update);
        errors = new KubeConfigErrors(client, LeaderGate.ALWAYS, new ControlMetrics(new PrometheusRegistry()));
        fixture = new StreamFixture(errors, KubeSource.NAME, Duration.ofSeconds(30));
        source = new KubeSource(client);
        source.start(fixture.model, Duration.ofSeconds(10));
        agent = fixture.node("agent-a", "node-a").subscribe(ResourceType.WORKLOAD, ResourceType.SERVICE,
                ResourceType.AUTHORIZATION_POLICY);
        agent.await(ResourceType.WORKLOAD, state -> workload(state, "hello-1") != null, Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() throws Exception {
        agent.close();
        source.close();
        fixture.close();
        errors.close();
    }

    @Test
    void labellingTheNamespaceEnrollsItsPods() throws Exception {
        assertEquals(Workload.DataplaneMode.NONE, mode());
        client.resource(new NamespaceBuilder(client.namespaces().withName("demo").get()).editMetadata()
                .addToLabels("ambit.dev/dataplane-mode", "ambient").endMetadata().build()).update();
        agent.await(ResourceType.WORKLOAD, state -> mode() == Workload.DataplaneMode.AMBIENT, WITHIN);
        assertEquals("10.0.0.1", workload(agent.state(ResourceType.WORKLOAD), "hello-1").getTunnel().getIp());
    }

    @Test
    void podsServicesAndEndpointSlicesArePushed() throws Exception {
        agent.await(ResourceType.SERVICE, state -> state.containsKey("demo/hello")
                && state.get("demo/hello").getService().getEndpointsCount() == 1, WITHIN);
        client.resource(pod("demo", "hello-2", "node-a", "10.1.0.2", "hello", Map.of("app", "hello"))).create();
        agent.await(ResourceType.WORKLOAD, state -> workload(state, "hello-2") != null, WITHIN);
        client.resource(slice("10.1.0.1", "10.1.0.2")).update();
        agent.await(ResourceType.SERVICE, state -> state.get("demo/hello").getService().getEndpointsCount() == 2, WITHIN);

        client.pods().inNamespace("demo").withName("hello-2").delete();
        agent.await(ResourceType.WORKLOAD, state -> workload(state, "hello-2") == null, WITHIN);
        client.services().inNamespace("demo").withName("hello").delete();
        agent.await(ResourceType.SERVICE, state -> !state.containsKey("demo/hello"), WITHIN);
    }

    @Test
    void policiesArePushedAndABadOneBecomesAnEventNotACrash() throws Exception {
        client.resource(policy("spiffe://cluster.local/ns/demo/sa/frontend")).create();
        agent.await(ResourceType.AUTHORIZATION_POLICY, state -> state.containsKey("demo/allow-frontend"), WITHIN);
        String good = agent.state(ResourceType.AUTHORIZATION_POLICY).get("demo/allow-frontend").getVersion();

        client.resource(policy("spiffe://cluster.local/ns/Not_A_Namespace/sa/x")).update();
        List<Event> events = awaitEvents();
        assertEquals(KubeConfigErrors.REASON, events.get(0).getReason());
        assertEquals("AuthorizationPolicy", events.get(0).getInvolvedObject().getKind());
        assertTrue(events.get(0).getMessage().contains("spec.rules[0].from[0].source.principals[0]"),
                events.get(0).getMessage());
        assertEquals(good, agent.state(ResourceType.AUTHORIZATION_POLICY).get("demo/allow-frontend").getVersion(),
                "the last good policy stays");

        client.resources(AuthorizationPolicyResource.class).inNamespace("demo").withName("allow-frontend").delete();
        agent.await(ResourceType.AUTHORIZATION_POLICY, state -> state.isEmpty(), WITHIN);
    }

    private Workload.DataplaneMode mode() {
        return workload(agent.state(ResourceType.WORKLOAD), "hello-1").getDataplaneMode();
    }

    /** The mock API server assigns pod UIDs, which name workloads; tests know pods by name. */
    private static Workload workload(Map<String, Resource> state, String pod) {
        return state.values().stream().map(Resource::getWorkload).filter(workload -> workload.getName().equals(pod))
                .findFirst().orElse(null);
    }

    private List<Event> awaitEvents() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        List<Event> events = List.of();
        while (events.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            events = client.v1().events().inNamespace("demo").list().getItems().stream()
                    .filter(event -> event.getInvolvedObject().getKind().equals("AuthorizationPolicy")).toList();
        }
        assertTrue(!events.isEmpty(), "no event for the invalid policy");
        return events;
    }

    private static EndpointSlice slice(String... ips) {
        var builder = new EndpointSliceBuilder().withMetadata(new ObjectMetaBuilder().withNamespace("demo")
                .withName("hello-abc").withLabels(Map.of("kubernetes.io/service-name", "hello")).build())
                .withAddressType("IPv4").addNewPort().withName("http").withPort(8080).endPort();
        for (int i = 0; i < ips.length; i++) {
            builder.addNewEndpoint().withAddresses(ips[i]).withNewConditions().withReady(true).endConditions()
                    .withNewTargetRef().withKind("Pod").withNamespace("demo").withName("hello-" + (i + 1))
                    .endTargetRef().endEndpoint();
        }
        return builder.build();
    }

    private static AuthorizationPolicyResource policy(String principal) {
        AuthorizationPolicyResource policy = new AuthorizationPolicyResource();
        policy.setMetadata(new ObjectMetaBuilder().withNamespace("demo").withName("allow-frontend").build());
        policy.setSpec(new AuthorizationPolicySpec(null, "ALLOW", List.of(new AuthorizationPolicySpec.Rule(
                List.of(new AuthorizationPolicySpec.From(new AuthorizationPolicySpec.Source(List.of(principal), null,
                        null, null))), null, null))));
        return policy;
    }
}
