package dev.ambit.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The cluster the commands work on and the namespace Ambit is installed in, from the root command's options. The
 * client is made on first use, so that commands that need no cluster ({@code install --dry-run}, {@code check
 * --node}) work without one.
 */
public final class KubernetesCluster implements AutoCloseable {

    public static final String DEFAULT_MESH_NAMESPACE = "ambit-system";

    private Path kubeconfig;
    private String context;
    private String meshNamespace = DEFAULT_MESH_NAMESPACE;
    private KubernetesClient client;
    private final boolean owned;

    private KubernetesCluster(KubernetesClient client, boolean owned) {
        this.client = client;
        this.owned = owned;
    }

    /** The cluster of {@code --kubeconfig}, {@code $KUBECONFIG}, {@code ~/.kube/config} or the pod's account. */
    public static KubernetesCluster fromKubeconfig() {
        return new KubernetesCluster(null, true);
    }

    /** A cluster reached through {@code client}, which stays open (tests). */
    public static KubernetesCluster of(KubernetesClient client) {
        return new KubernetesCluster(client, false);
    }

    void useKubeconfig(Path file) {
        this.kubeconfig = file;
    }

    void useContext(String name) {
        this.context = name;
    }

    void useMeshNamespace(String namespace) {
        this.meshNamespace = namespace;
    }

    public String meshNamespace() {
        return meshNamespace;
    }

    /**
     * The kubeconfig Helm should use, as contents: the one named on the command line, with {@code --context} made
     * current (Helm's library has no context option). Empty means Helm's own lookup, as the client's.
     */
    public Optional<String> kubeconfigForHelm() {
        if (kubeconfig == null && context == null) {
            return Optional.empty();
        }
        Path file = kubeconfig != null ? kubeconfig : defaultKubeconfig();
        String contents;
        try {
            contents = Files.readString(file);
        } catch (IOException e) {
            throw new UserException("cannot read kubeconfig " + file + ": " + e.getMessage());
        }
        if (context == null) {
            return Optional.of(contents);
        }
        KubernetesSerialization yaml = new KubernetesSerialization();
        io.fabric8.kubernetes.api.model.Config parsed = yaml.unmarshal(contents,
                io.fabric8.kubernetes.api.model.Config.class);
        if (parsed.getContexts() == null || parsed.getContexts().stream().noneMatch(c -> context.equals(c.getName()))) {
            throw new UserException("kubeconfig " + file + " has no context " + context);
        }
        parsed.setCurrentContext(context);
        return Optional.of(yaml.asYaml(parsed));
    }

    private static Path defaultKubeconfig() {
        String variable = System.getenv("KUBECONFIG");
        return variable != null && !variable.isEmpty() ? Path.of(variable.split(java.io.File.pathSeparator)[0])
                : Path.of(System.getProperty("user.home"), ".kube", "config");
    }

    public synchronized KubernetesClient client() {
        if (client == null) {
            Config config = config();
            // A person is waiting: say at once that the cluster is unreachable rather than retry for a minute.
            config.setRequestRetryBackoffLimit(0);
            client = new KubernetesClientBuilder().withConfig(config).build();
        }
        return client;
    }

    private Config config() {
        if (kubeconfig != null) {
            if (!Files.isReadable(kubeconfig)) {
                throw new UserException("cannot read kubeconfig " + kubeconfig);
            }
            return Config.fromKubeconfig(context, kubeconfig.toFile());
        }
        // fabric8 would otherwise fall back to https://kubernetes.default.svc and fail with an unknown host.
        boolean configured = System.getenv("KUBECONFIG") != null || System.getenv("KUBERNETES_SERVICE_HOST") != null
                || Files.isRegularFile(Path.of(System.getProperty("user.home"), ".kube", "config"));
        if (!configured) {
            throw new UserException("no cluster configured: no ~/.kube/config, $KUBECONFIG is not set and this is not"
                    + " a pod; create a cluster or pass --kubeconfig FILE");
        }
        return Config.autoConfigure(context);
    }

    @Override
    public synchronized void close() {
        if (owned && client != null) {
            client.close();
        }
    }
}
