package dev.ambit.e2e.kind;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** The kind cluster run.sh made (context {@code kind-ambit}, or -Dambit.kind.context); tests skip without it. */
final class KindCluster {

    private KindCluster() {
    }

    static KubernetesClient connect() {
        String context = System.getProperty("ambit.kind.context", "");
        Config config = Config.autoConfigure(context.isEmpty() ? "kind-ambit" : context);
        config.setRequestRetryBackoffLimit(0);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        try {
            client.getKubernetesVersion();
        } catch (KubernetesClientException e) {
            client.close();
            assumeTrue(false, "skipped: no kind cluster (run kind-tests/run.sh): "
                    + (e.getCause() != null ? e.getCause() : e.getMessage()));
        }
        return client;
    }
}
