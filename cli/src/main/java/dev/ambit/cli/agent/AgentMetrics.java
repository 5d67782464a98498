package dev.ambit.cli.agent;

import dev.ambit.api.mesh.MeshPorts;
import dev.ambit.cli.KubernetesCluster;
import dev.ambit.cli.UserException;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpResponse;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A node's Prometheus metrics (:15020, served by the tunnel container of its node agent pod), read through the API
 * server's pod proxy: no port-forward needed.
 */
final class AgentMetrics {

    private static final long TIMEOUT_SECONDS = 10;

    private AgentMetrics() {
    }

    static String fetch(KubernetesCluster cluster, Pod agent) {
        String master = cluster.client().getMasterUrl().toString();
        String url = (master.endsWith("/") ? master : master + "/") + "api/v1/namespaces/"
                + agent.getMetadata().getNamespace() + "/pods/" + agent.getMetadata().getName() + ":" + MeshPorts.METRICS
                + "/proxy/metrics";
        String what = "the metrics of " + agent.getMetadata().getName() + " on node " + agent.getSpec().getNodeName();
        // The client's HTTP client (its credentials) without the API-object parsing a proxied body does not fit, and
        // without retries: an agent that does not answer is reported at once, the others are still shown.
        HttpClient http = cluster.client().newClient(new RequestConfigBuilder().withRequestRetryBackoffLimit(0)
                .build()).getHttpClient();
        HttpResponse<String> response;
        try {
            response = http.sendAsync(http.newHttpRequestBuilder().uri(url).build(), String.class)
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new UserException("cannot read " + what + ": " + e.getCause().getMessage());
        } catch (TimeoutException e) {
            throw new UserException("cannot read " + what + ": no answer within " + TIMEOUT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserException("interrupted while reading " + what);
        }
        if (response.code() == 403) {
            throw new UserException("no permission to read " + what + ": it needs 'get' on pods/proxy in namespace "
                    + agent.getMetadata().getNamespace());
        }
        if (response.code() != 200) {
            String body = response.body() == null ? "" : response.body().strip().lines().findFirst().orElse("");
            throw new UserException("cannot read " + what + ": HTTP " + response.code() + " " + body);
        }
        return response.body();
    }
}
