package dev.ambit.control.leader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.control.Eventually;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Two replicas' elections against the mock API server, one of which loses the API server without a word. */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionTest {

    private static final String NAMESPACE = "ambit-system";
    private static final String LEASE_NAME = "ambit-controller";
    private static final Duration LEASE = Duration.ofSeconds(3);
    /** A follower reads its clock before it reads the Lease: its takeover may be stamped that one read early. */
    private static final Duration READ_SLACK = Duration.ofMillis(250);
    private static final Duration WITHIN = Duration.ofSeconds(15);

    KubernetesClient client;

    @AfterEach
    void closeClient() {
        // Before the extension stops the mock server, as the other mock server tests do.
        client.close();
    }

    @Test
    void aLeaderThatStopsRenewingIsReplacedOnlyOnceItsLeaseExpires() throws Exception {
        AtomicBoolean cutOff = new AtomicBoolean();
        try (KubernetesClient firstClient = cuttableClient(cutOff);
                LeaderElection first = election(firstClient, "replica-a");
                LeaderElection second = election(client, "replica-b")) {
            first.start();
            Eventually.until(WITHIN, "replica-a leads", first);
            second.start();
            // Its first renewal: the Lease it holds is a live one, not one that expired while it was being created.
            Eventually.until(WITHIN, "replica-a renews", () -> lease().getRenewTime().isAfter(lease().getAcquireTime()));

            // replica-a crashes or is partitioned away: it neither renews nor releases the Lease from now on.
            cutOff.set(true);
            LeaseSpec held = lease();
            assertEquals("replica-a", held.getHolderIdentity());

            Eventually.until(WITHIN, "replica-b takes over", second);
            LeaseSpec taken = lease();
            assertEquals("replica-b", taken.getHolderIdentity());
            assertEquals(held.getLeaseTransitions() + 1, taken.getLeaseTransitions());
            // The last renewal replica-a made is the one read above or a later one, so this bound holds either way.
            assertFalse(taken.getAcquireTime().isBefore(held.getRenewTime().plus(LEASE).minus(READ_SLACK)),
                    "taken over at " + taken.getAcquireTime() + ", before the lease renewed at "
                            + held.getRenewTime() + " expired");
            Eventually.until(WITHIN, "replica-a stops leading once it cannot renew", () -> !first.getAsBoolean());
            assertTrue(second.getAsBoolean());
        }
    }

    /** A client of the mock API server whose requests go to a closed port once {@code cutOff} is set. */
    private KubernetesClient cuttableClient(AtomicBoolean cutOff) throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Interceptor unreachable = new Interceptor() {
            @Override
            public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                if (cutOff.get()) {
                    builder.uri(URI.create("http://127.0.0.1:" + closedPort + request.uri().getRawPath()));
                }
            }
        };
        return new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(client.getConfiguration()).withRequestRetryBackoffLimit(0).build())
                .withHttpClientBuilderConsumer(builder -> builder.addOrReplaceInterceptor("cut-off", unreachable))
                .build();
    }

    private static LeaderElection election(KubernetesClient client, String identity) {
        return new LeaderElection(client, NAMESPACE, LEASE_NAME, identity, LEASE, () -> {
        }, () -> {
        });
    }

    private LeaseSpec lease() {
        return client.resources(Lease.class).inNamespace(NAMESPACE).withName(LEASE_NAME).get().getSpec();
    }
}
