package dev.ambit.control;

import static dev.ambit.control.TestObjects.namespace;
import static dev.ambit.control.TestObjects.node;
import static dev.ambit.control.TestObjects.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.ca.v1.CertificateServiceGrpc;
import dev.ambit.api.ca.v1.CreateCertificateRequest;
import dev.ambit.api.config.ResourceType;
import dev.ambit.api.config.v1.Resource;
import dev.ambit.api.config.v1.Workload;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.identity.WorkloadKeys;
import dev.ambit.control.ca.RootCertPublisher;
import dev.ambit.control.model.MeshSettings;
import dev.ambit.control.stream.TestConfigClient;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller in Kubernetes mode against the mock API server (CRUD, plus a TokenReview expectation): informers
 * to config pushes, TokenReview to certificates, the leader's trust bundles and waypoints, and the monitoring port.
 */
@EnableKubernetesMockClient(crud = true)
class KubeControllerTest {

    private static final MeshSettings MESH = new MeshSettings("cluster.local", "cluster.local", "ambit-system");
    private static final Duration WITHIN = Duration.ofSeconds(10);
    private static final Duration LEASE = Duration.ofSeconds(2);
    /**
     * Long enough that a takeover within {@link #WITHIN} can only follow a release: followers retry every seventh
     * of it (about 2 s, 5 s with jitter), the lease itself would last 15 s.
     */
    private static final Duration RELEASED_LEASE = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String DEPLOYED = "ambit_control_waypoint_updates_total{result=\"deployed\"}";

    KubernetesMockServer server;
    KubernetesClient client;

    @AfterEach
    void closeClient() {
        // Before the extension stops the mock server: fabric8 7.8.0's server waits up to 10 s on every WebSocket
        // (watch) still open when it closes, and then fails the test. Closing the client closes them first.
        client.close();
    }
    @TempDir
    Path dir;

    @Test
    void servesConfigAndCertificatesFromTheClusterAndCountsThem() throws Exception {
        client.resource(namespace("ambit-system", Map.of())).create();
        client.resource(namespace("demo", Map.of())).create();
        client.resource(node("node-a", "10.0.0.1")).create();
        client.resource(pod("demo", "hello-1", "node-a", "10.1.0.1", "hello", Map.of())).create();
        server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews").andReturn(201,
                new TokenReviewBuilder().withNewStatus().withAuthenticated(true).withAudiences("ambit").withNewUser()
                        .withUsername("system:serviceaccount:ambit-system:ambit-node-agent")
                        .addToExtra("authentication.kubernetes.io/node-name", List.of("node-a")).endUser().endStatus()
                        .build()).always();
        Path roots = dir.resolve("roots.pem");

        try (Controller controller = Controller.start(config("replica-a", false, Optional.of(roots)), client)) {
            Eventually.until(WITHIN, "ready once the informers listed",
                    () -> get(controller, "/readyz").statusCode() == 200);
            assertEquals(200, get(controller, "/healthz").statusCode());
            ManagedChannel channel = NettyChannelBuilder.forAddress(InetAddress.getLoopbackAddress().getHostAddress(),
                    controller.configPort()).usePlaintext().build();
            ManagedChannel caChannel = NettyChannelBuilder.forAddress(InetAddress.getLoopbackAddress()
                    .getHostAddress(), controller.caPort()).usePlaintext().build();
            try (TestConfigClient agent = TestConfigClient.node(channel, "node-a/agent", "node-a")) {
                agent.subscribe(ResourceType.WORKLOAD);
                agent.await(ResourceType.WORKLOAD, state -> mode(state, "hello-1") == Workload.DataplaneMode.NONE,
                        WITHIN);
                client.resource(new NamespaceBuilder(client.namespaces().withName("demo").get()).editMetadata()
                        .addToLabels("ambit.dev/dataplane-mode", "ambient").endMetadata().build()).update();
                agent.await(ResourceType.WORKLOAD, state -> mode(state, "hello-1") == Workload.DataplaneMode.AMBIENT,
                        WITHIN);

                agent.rejectWhen(resource -> resource.getWorkload().getName().equals("hello-bad"));
                client.resource(pod("demo", "hello-bad", "node-a", "10.1.0.9", "hello", Map.of())).create();
                Eventually.until(WITHIN, "the NACK is counted",
                        () -> metric(controller, "ambit_control_config_nacks_total{type=\"Workload\"}") >= 1);

                Metadata token = new Metadata();
                token.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer agent-token");
                var issued = CertificateServiceGrpc.newBlockingStub(caChannel)
                        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(token))
                        .createCertificate(CreateCertificateRequest.newBuilder().setCsr(WorkloadKeys
                                .certificateRequestPem(WorkloadKeys.generate(), SpiffeId.of("cluster.local", "demo",
                                        "hello"))).build());
                assertTrue(issued.getCertChainCount() >= 2);

                String metrics = get(controller, "/metrics").body();
                for (String sample : List.of("ambit_control_connected_clients{kind=\"node_agent\"} 1.0",
                        "ambit_control_ca_requests_total{result=\"issued\"} 1.0",
                        "ambit_control_ca_requests_total{result=\"unavailable\"} 0.0",
                        "ambit_control_leader 1.0")) {
                    assertTrue(metrics.contains(sample), sample + " missing from\n" + metrics);
                }
                assertTrue(metric(controller, "ambit_control_config_pushes_total{type=\"Workload\"}") >= 2);
                assertTrue(metric(controller, "ambit_control_config_push_latency_seconds_count") >= 2);
                assertTrue(metrics.contains("ambit_control_config_push_latency_seconds_bucket{le=\"0.1\"}"));
                assertTrue(metrics.contains("ambit_control_config_errors_total 0.0"));
                assertTrue(metrics.contains("ambit_control_waypoint_updates_total{result=\"failed\"} 0.0"));
            } finally {
                channel.shutdownNow();
                caChannel.shutdownNow();
            }

            String published = Files.readString(roots);
            for (String namespace : List.of("ambit-system", "demo")) {
                Eventually.until(WITHIN, "the trust bundle in " + namespace, () -> {
                    ConfigMap copy = client.configMaps().inNamespace(namespace).withName(RootCertPublisher.CONFIG_MAP)
                            .get();
                    return copy != null && published.equals(copy.getData().get(RootCertPublisher.KEY));
                });
            }
        }
    }

    @Test
    void onlyTheLeaderDeploysWaypointsAndAnotherReplicaTakesOverWhenItStops() throws Exception {
        client.resource(namespace("ambit-system", Map.of())).create();
        client.resource(namespace("demo", Map.of())).create();
        Controller first = Controller.start(config("replica-a", true, Optional.empty(), RELEASED_LEASE), client);
        // Election is asynchronous: the second replica starts once the first holds the lease, or it may win the race.
        try {
            Eventually.until(WITHIN, "the first replica leads", () -> metric(first, "ambit_control_leader") == 1);
        } catch (Exception | AssertionError e) {
            first.close();
            throw e;
        }
        try (Controller second = Controller.start(config("replica-b", true, Optional.empty(), RELEASED_LEASE),
                client)) {
            LeaseSpec held;
            try {
                Eventually.until(WITHIN, "one leader",
                        () -> metric(first, "ambit_control_leader") + metric(second, "ambit_control_leader") == 1);
                assertEquals(1.0, metric(first, "ambit_control_leader"), "the replica that started first leads");
                Eventually.until(WITHIN, "a follower serves config and the CA too",
                        () -> get(second, "/readyz").statusCode() == 200);

                client.resource(waypoint("first-waypoint")).create();
                Eventually.until(WITHIN, "the leader deploys the waypoint", () -> metric(first, DEPLOYED) == 1);
                assertTrue(deployed("first-waypoint"));
                assertEquals(0.0, metric(second, DEPLOYED), "a follower deploys nothing");
            } finally {
                held = lease();
                first.close();
            }
            Eventually.until(WITHIN, "the other replica takes over",
                    () -> metric(second, "ambit_control_leader") == 1);
            LeaseSpec taken = lease();
            assertEquals("replica-b", taken.getHolderIdentity());
            // replica-a renewed at the time read above or later: taking over before that lease could have run out
            // shows that the release, not expiry, let replica-b in.
            assertTrue(taken.getAcquireTime().isBefore(held.getRenewTime().plus(RELEASED_LEASE)),
                    "taken over at " + taken.getAcquireTime() + ", replica-a renewed at " + held.getRenewTime());

            client.resource(waypoint("second-waypoint")).create();
            Eventually.until(WITHIN, "the new leader deploys", () -> deployed("second-waypoint"));
        }
    }

    private static ControllerConfig config(String pod, boolean leaderElection, Optional<Path> roots) {
        return config(pod, leaderElection, roots, LEASE);
    }

    private static ControllerConfig config(String pod, boolean leaderElection, Optional<Path> roots, Duration lease) {
        return ControllerConfig.builder()
                .listenAddress(InetAddress.getLoopbackAddress())
                .configPort(0)
                .caPort(0)
                .metricsPort(0)
                .mesh(MESH)
                .rootCertificateOut(roots)
                .plaintext(true)
                .leaderElection(leaderElection)
                .leaseDuration(lease)
                .podName(pod)
                .waypointImage("waypoint:test")
                .answerTimeout(Duration.ofSeconds(30))
                .maxClients(100)
                .build();
    }

    private LeaseSpec lease() {
        return client.resources(Lease.class).inNamespace("ambit-system").withName("ambit-controller").get().getSpec();
    }

    private boolean deployed(String waypoint) {
        return client.apps().deployments().inNamespace("demo").withName(waypoint).get() != null;
    }

    private static Gateway waypoint(String name) {
        return new GatewayBuilder().withNewMetadata().withNamespace("demo").withName(name).endMetadata()
                .withNewSpec().withGatewayClassName("ambit-waypoint").endSpec().build();
    }

    private static Workload.DataplaneMode mode(Map<String, Resource> state, String pod) {
        return state.values().stream().map(Resource::getWorkload).filter(workload -> workload.getName().equals(pod))
                .map(Workload::getDataplaneMode).findFirst().orElse(null);
    }

    private static HttpResponse<String> get(Controller controller, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + InetAddress.getLoopbackAddress()
                    .getHostAddress() + ":" + controller.metricsPort() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("GET " + path + ": " + e, e);
        }
    }

    /** One sample of the Prometheus text format, e.g. {@code name{label="value"}}; 0 when absent. */
    private static double metric(Controller controller, String sample) {
        Matcher value = Pattern.compile("^" + Pattern.quote(sample) + " (\\S+)$", Pattern.MULTILINE)
                .matcher(get(controller, "/metrics").body());
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }
}
