package dev.ambit.control.ca;

import dev.ambit.api.config.ResourceType;
import dev.ambit.api.identity.InvalidSpiffeIdException;
import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.NamespacedName;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.control.model.ConfigSnapshot;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewStatus;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import java.io.IOException;
import java.time.Duration;
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
    static final String POD_UID = "authentication.kubernetes.io/pod-uid";
    private static final String SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";
    /** A certificate request waits on the review: fail it quickly (the caller retries) rather than hold a thread. */
    private static final Duration REVIEW_TIMEOUT = Duration.ofSeconds(5);
    private static final int REVIEW_RETRIES = 1;

    private final KubernetesClient client;
    private final String audience;
    private final String trustDomain;
    private final Supplier<ConfigSnapshot> model;

    public TokenReviewAuthenticator(KubernetesClient client, String audience, String trustDomain,
            Supplier<ConfigSnapshot> model) {
        // Same connection pool, but not the client's default of ten retries over some twenty seconds.
        this.client = client.newClient(new RequestConfigBuilder()
                .withRequestTimeout((int) REVIEW_TIMEOUT.toMillis())
                .withRequestRetryBackoffLimit(REVIEW_RETRIES)
                .build()).adapt(KubernetesClient.class);
        this.audience = audience;
        this.trustDomain = trustDomain;
        this.model = model;
    }

    @Override
    public Caller authenticate(String token) throws AuthenticationException, AuthenticatorUnavailableException {
        TokenReviewStatus status = review(token);
        if (!Boolean.TRUE.equals(status.getAuthenticated())) {
            String error = status.getError();
            throw new AuthenticationException("token rejected by the API server"
                    + (error == null || error.isEmpty() ? "" : ": " + error));
        }
        // An API server that ignores audiences would accept any of the pod's tokens, e.g. its API token.
        if (status.getAudiences() == null || !status.getAudiences().contains(audience)) {
            throw new AuthenticationException("token is not valid for audience '" + audience + "'");
        }
        UserInfo user = status.getUser();
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
        String node = first(extra, NODE_NAME)
                .or(() -> first(extra, POD_NAME).flatMap(pod -> nodeOf(parts[0], pod, first(extra, POD_UID))))
                .orElseThrow(() -> new AuthenticationException("token of '" + username + "' is not bound to a pod"
                        + " on a known node; use a projected ServiceAccount token"));
        return new Caller(node, identity, username);
    }

    private TokenReviewStatus review(String token) throws AuthenticatorUnavailableException {
        TokenReview review;
        try {
            review = client.authentication().v1().tokenReviews().create(new TokenReviewBuilder()
                    .withNewSpec().withToken(token).withAudiences(audience).endSpec().build());
        } catch (KubernetesClientException e) {
            throw new AuthenticatorUnavailableException("cannot review the token: " + describe(e));
        }
        if (review == null || review.getStatus() == null) {
            throw new AuthenticatorUnavailableException("cannot review the token: the API server answered without"
                    + " a status");
        }
        return review.getStatus();
    }

    /** One line an operator can act on; the exception's own message is often just "An error has occurred." */
    private String describe(KubernetesClientException e) {
        if (e.getCode() == 403) {
            return "the API server forbids it; the controller's ServiceAccount needs 'create' on"
                    + " tokenreviews.authentication.k8s.io";
        }
        if (e.getCode() > 0) {
            String message = e.getStatus() == null ? null : e.getStatus().getMessage();
            return "the API server answered HTTP " + e.getCode() + (message == null ? "" : " (" + message + ")");
        }
        // The first telling I/O error (ConnectException, HttpTimeoutException) below the HTTP client's wrappers.
        Throwable cause = e;
        while (cause.getCause() != null && !(cause instanceof IOException
                && (cause.getClass() != IOException.class || cause.getMessage() != null))) {
            cause = cause.getCause();
        }
        return "the API server at " + client.getMasterUrl() + " is unreachable (" + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + ")";
    }

    /** The pod must still be the one the token was bound to: a recreated pod of the same name has another uid. */
    private Optional<String> nodeOf(String namespace, String pod, Optional<String> uid) {
        NamespacedName name = NamespacedName.of(namespace, pod);
        return model.get().resources(ResourceType.WORKLOAD).values().stream()
                .map(entry -> (Workload) entry.model())
                .filter(workload -> workload.name().equals(name) && uid.map(workload.uid()::equals).orElse(true))
                .map(Workload::node).findFirst();
    }

    private static Optional<String> first(Map<String, List<String>> extra, String key) {
        List<String> values = extra.get(key);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }
}
