package dev.ambit.control.ca;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.identity.InvalidSpiffeIdException;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.control.model.ConfigSnapshot;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Kubernetes mode's node authentication: the caller's projected ServiceAccount token, checked by the API server
 * (TokenReview, with the audience the chart projects). A pod-bound token names its node in the
 * {@code authentication.kubernetes.io/node-name} extra (Kubernetes 1.30+); for older clusters the node is that of
 * the token's pod in the model.
 */
public final class TokenReviewAuthenticator implements NodeAuthenticator {

    static final String NODE_NAME = "authentication.kubernetes.io/node-name";
    static final String POD_NAME = "authentication.kubernetes.io/pod-name";
    private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

    private final KubernetesClient client;
    private final String audience;
    private final String trustDomain;
    private final Supplier<ConfigSnapshot> model;

    public TokenReviewAuthenticator(KubernetesClient client, String audience, String trustDomain,
            Supplier<ConfigSnapshot> model) {
        this.client = client;
        this.audience = audience;
        this.trustDomain = trustDomain;
        this.model = model;
    }

    @Override
    public Caller authenticate(String token) throws AuthenticationException {
        TokenReview review;
        try {
            review = client.authentication().v1().tokenReviews().create(new TokenReviewBuilder()
                    .withNewSpec().withToken(token).withAudiences(audience).endSpec().build());
        } catch (KubernetesClientException e) {
            // The API server's trouble, not the caller's: UNAUTHENTICATED still, but say so.
            throw new AuthenticationException("token review failed: " + e.getMessage());
        }
        if (review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAuthenticated())) {
            String error = review.getStatus() == null ? null : review.getStatus().getError();
            throw new AuthenticationException("token rejected by the API server"
                    + (error == null || error.isEmpty() ? "" : ": " + error));
        }
        UserInfo user = review.getStatus().getUser();
        String username = user == null || user.getUsername() == null ? "" : user.getUsername();
        String[] parts = username.startsWith(SERVICE_ACCOUNT_PREFIX)
                ? username.substring(SERVICE_ACCOUNT_PREFIX.length()).split(":") : new String[0];
        if (parts.length != 2) {
            throw new AuthenticationException("token of '" + username + "' is not a ServiceAccount token");
        }
        SpiffeId identity;
        try {
            identity = SpiffeId.of(trustDomain, parts[0], parts[1]);
        } catch (InvalidSpiffeIdException e) {
            throw new AuthenticationException("token names an invalid ServiceAccount: " + e.getMessage());
        }
        Map<String, List<String>> extra = user.getExtra() == null ? Map.of() : user.getExtra();
        String node = first(extra, NODE_NAME).or(() -> first(extra, POD_NAME).flatMap(pod -> nodeOf(parts[0], pod)))
                .orElseThrow(() -> new AuthenticationException("token is not bound to a pod on a known node;"
                        + " use a projected ServiceAccount token"));
        return new Caller(node, identity, username);
    }

    private Optional<String> nodeOf(String namespace, String pod) {
        NamespacedName name = NamespacedName.of(namespace, pod);
        return model.get().resources(ResourceType.WORKLOAD).values().stream()
                .map(entry -> (Workload) entry.model())
                .filter(workload -> workload.name().equals(name)).map(Workload::node).findFirst();
    }

    private static Optional<String> first(Map<String, List<String>> extra, String key) {
        List<String> values = extra.get(key);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }
}
