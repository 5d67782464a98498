package dev.ambit.control.ca;

import static dev.ambit.control.ca.CaTestServer.NODE_AGENT;
import static dev.ambit.control.ca.CaTestServer.ON_A;
import static dev.ambit.control.ca.CaTestServer.ON_B;
import static dev.ambit.control.ca.CaTestServer.assertStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ambit.api.identity.Pem;
import dev.ambit.api.identity.SpiffeCertificates;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.grpc.Status;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The CA in Kubernetes mode: tokens are reviewed by the API server (the mock, in expectations mode, answers each
 * token as a real one would), the caller's node comes from the review.
 */
@EnableKubernetesMockClient
class TokenReviewAuthenticatorTest {

    private static final String PATH = "/apis/authentication.k8s.io/v1/tokenreviews";
    private static final String NODE_AGENT_USER = "system:serviceaccount:ambit-system:ambit-node-agent";

    KubernetesMockServer server;
    KubernetesClient client;
    private final Map<String, TokenReview> reviews = new HashMap<>();
    private CaTestServer ca;

    private void start(KubernetesClient apiClient) throws Exception {
        server.expect().post().withPath(PATH).andReply(201, request -> {
            TokenReview asked = Serialization.unmarshal(request.getUtf8Body(), TokenReview.class);
            assertEquals(List.of("ambit"), asked.getSpec().getAudiences(), "the review must name the audience");
            return reviews.getOrDefault(asked.getSpec().getToken(), rejected("[invalid bearer token]"));
        }).always();
        ca = new CaTestServer(model -> new TokenReviewAuthenticator(apiClient, "ambit", "cluster.local", model));
    }

    @AfterEach
    void stop() {
        if (ca != null) {
            ca.close();
        }
    }

    @Test
    void aNodeAgentOnNodeAGetsTheIdentityOfAPodOnNodeA() throws Exception {
        reviews.put("agent-a", authenticated(NODE_AGENT_USER, Map.of(TokenReviewAuthenticator.NODE_NAME, "node-a")));
        start(client);
        var chain = Pem.certificates(String.join("", ca.call("agent-a", ON_A).getCertChainList()), "issued");
        assertEquals(ON_A, SpiffeCertificates.identityOf(chain.get(0)));
        assertEquals(NODE_AGENT, SpiffeCertificates.identityOf(Pem.certificates(
                String.join("", ca.call("agent-a", NODE_AGENT).getCertChainList()), "issued").get(0)));
    }

    @Test
    void aNodeAgentOnNodeACannotGetAnIdentityThatLivesOnlyOnNodeB() throws Exception {
        reviews.put("agent-a", authenticated(NODE_AGENT_USER, Map.of(TokenReviewAuthenticator.NODE_NAME, "node-a")));
        start(client);
        assertStatus(Status.Code.PERMISSION_DENIED, "no pod with identity " + ON_B + " runs on node node-a",
                () -> ca.call("agent-a", ON_B));
    }

    @Test
    void withoutTheNodeNameExtraTheNodeIsThatOfTheTokensPod() throws Exception {
        reviews.put("agent-a", authenticated(NODE_AGENT_USER, Map.of(
                TokenReviewAuthenticator.POD_NAME, "ambit-node-agent-a",
                TokenReviewAuthenticator.POD_UID, "ambit-system-ambit-node-agent-a")));
        reviews.put("recreated-pod", authenticated(NODE_AGENT_USER, Map.of(
                TokenReviewAuthenticator.POD_NAME, "ambit-node-agent-a",
                TokenReviewAuthenticator.POD_UID, "an-older-pod-of-that-name")));
        start(client);
        assertTrue(ca.call("agent-a", ON_A).getCertChainCount() >= 2);
        assertStatus(Status.Code.UNAUTHENTICATED, "token of '" + NODE_AGENT_USER + "' is not bound to a pod on a"
                + " known node; use a projected ServiceAccount token", () -> ca.call("recreated-pod", ON_A));
    }

    @Test
    void anyOtherServiceAccountGetsOnlyItsOwnIdentity() throws Exception {
        reviews.put("frontend", authenticated("system:serviceaccount:demo:frontend",
                Map.of(TokenReviewAuthenticator.NODE_NAME, "node-a")));
        start(client);
        assertTrue(ca.call("frontend", ON_A).getCertChainCount() >= 2);
        assertStatus(Status.Code.PERMISSION_DENIED, ON_A + " may only request its own identity",
                () -> ca.call("frontend", NODE_AGENT));
    }

    @Test
    void rejectedExpiredAndWrongAudienceTokensAreUnauthenticated() throws Exception {
        reviews.put("expired", rejected("[invalid bearer token, service account token has expired]"));
        TokenReview forTheApiServer = authenticated(NODE_AGENT_USER, Map.of(TokenReviewAuthenticator.NODE_NAME,
                "node-a"));
        forTheApiServer.getStatus().setAudiences(List.of());
        reviews.put("api-token", forTheApiServer);
        start(client);
        assertStatus(Status.Code.UNAUTHENTICATED, "token rejected by the API server: [invalid bearer token,"
                + " service account token has expired]", () -> ca.call("expired", ON_A));
        assertStatus(Status.Code.UNAUTHENTICATED, "token rejected by the API server: [invalid bearer token]",
                () -> ca.call("never-issued", ON_A));
        assertStatus(Status.Code.UNAUTHENTICATED, "token is not valid for audience 'ambit'",
                () -> ca.call("api-token", ON_A));
        assertStatus(Status.Code.UNAUTHENTICATED, "missing 'authorization: Bearer <token>' header",
                () -> ca.call(null, ON_A));
    }

    @Test
    void anUnreachableApiServerIsUnavailableNotUnauthenticated() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort + "/";
        AtomicInteger attempts = new AtomicInteger();
        Interceptor countAttempts = new Interceptor() {
            @Override
            public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
                if (request.uri().getPath().equals(PATH)) {
                    attempts.incrementAndGet();
                }
            }
        };
        try (KubernetesClient unreachable = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder().withMasterUrl(url).build())
                .withHttpClientBuilderConsumer(builder -> builder.addOrReplaceInterceptor("count", countAttempts))
                .build()) {
            start(unreachable);
            assertStatus(Status.Code.UNAVAILABLE, "cannot review the token: the API server at " + url
                    + " is unreachable (ConnectException)", () -> ca.call("agent-a", ON_A));
            assertEquals(2, attempts.get(), "fails fast: one retry, not the client's default ten");
        }
    }

    @Test
    void aControllerWithoutTokenReviewPermissionSaysSo() throws Exception {
        server.expect().post().withPath(PATH).andReturn(403, "{\"kind\":\"Status\",\"code\":403}").always();
        ca = new CaTestServer(model -> new TokenReviewAuthenticator(client, "ambit", "cluster.local", model));
        assertStatus(Status.Code.UNAVAILABLE, "cannot review the token: the API server forbids it; the controller's"
                + " ServiceAccount needs 'create' on tokenreviews.authentication.k8s.io", () -> ca.call("any", ON_A));
    }

    private static TokenReview authenticated(String username, Map<String, String> extra) {
        Map<String, List<String>> values = new HashMap<>();
        extra.forEach((key, value) -> values.put(key, List.of(value)));
        return new TokenReviewBuilder().withNewStatus().withAuthenticated(true).withAudiences("ambit")
                .withNewUser().withUsername(username).withGroups("system:serviceaccounts", "system:authenticated")
                .withExtra(values).endUser().endStatus().build();
    }

    private static TokenReview rejected(String error) {
        return new TokenReviewBuilder().withNewStatus().withAuthenticated(false).withError(error).endStatus().build();
    }
}
