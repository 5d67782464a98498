package dev.ambit.control.ca;

import dev.ambit.api.mesh.MeshLabels;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the mesh's trust bundle (root certificates, PEM) as the ConfigMap {@value #CONFIG_MAP}, key
 * {@value #KEY}, in the controller's namespace, in every ambient namespace and in every namespace with an Ambit
 * waypoint or ingress {@code Gateway} (neither need live in an ambient namespace, and its pod mounts the copy), as Istio
 * does with {@code istio-ca-root-cert}: waypoints and other clients mount it to verify the controller and the mesh. A copy
 * edited or deleted by someone else is put back. A copy in a namespace that stops being ambient is left in place,
 * as pods there may still mount it. Runs on the leader only: {@link #start} when elected, {@link #stop} when not.
 */
public final class RootCertPublisher implements AutoCloseable {

    public static final String CONFIG_MAP = "ambit-root-cert";
    public static final String KEY = "root-cert.pem";
    private static final Logger log = LoggerFactory.getLogger(RootCertPublisher.class);
    private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);
    /** How often every namespace and copy is looked at again, so that a failed write is retried. */
    private static final Duration RESYNC = Duration.ofMinutes(5);

    private final KubernetesClient client;
    private final String rootNamespace;
    private final String rootsPem;
    private volatile SharedIndexInformer<Namespace> namespaces;
    private volatile SharedIndexInformer<ConfigMap> copies;
    private volatile SharedIndexInformer<Gateway> waypoints;

    public RootCertPublisher(KubernetesClient client, String rootNamespace, String rootsPem) {
        this.client = client;
        this.rootNamespace = rootNamespace;
        this.rootsPem = rootsPem;
    }

    public synchronized void start() {
        if (namespaces != null) {
            return;
        }
        copies = client.configMaps().inAnyNamespace().withField("metadata.name", CONFIG_MAP).inform(
                new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(ConfigMap copy) {
                        restoreIfChanged(copy);
                    }

                    @Override
                    public void onUpdate(ConfigMap old, ConfigMap copy) {
                        restoreIfChanged(copy);
                    }

                    @Override
                    public void onDelete(ConfigMap copy, boolean finalStateUnknown) {
                        SharedIndexInformer<Namespace> known = namespaces;
                        Namespace namespace = known == null ? null
                                : known.getStore().getByKey(copy.getMetadata().getNamespace());
                        if (namespace != null && wanted(namespace)) {
                            publish(namespace.getMetadata().getName());
                        }
                    }
                }, RESYNC.toMillis());
        // A deleted waypoint's copy stays, as in a namespace that stops being ambient; a deleted namespace's goes
        // with it.
        waypoints = client.resources(Gateway.class).inAnyNamespace()
                .inform(onAddOrUpdate(this::publishForWaypoint), RESYNC.toMillis());
        namespaces = client.namespaces().inform(onAddOrUpdate(this::publishIfWanted), RESYNC.toMillis());
    }

    private static <T> ResourceEventHandler<T> onAddOrUpdate(Consumer<T> action) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T added) {
                action.accept(added);
            }

            @Override
            public void onUpdate(T old, T updated) {
                action.accept(updated);
            }

            @Override
            public void onDelete(T deleted, boolean finalStateUnknown) {
                // Nothing to take back.
            }
        };
    }

    public synchronized void stop() {
        if (namespaces != null) {
            namespaces.close();
            copies.close();
            waypoints.close();
            namespaces = null;
            copies = null;
            waypoints = null;
        }
    }

    private void publishIfWanted(Namespace namespace) {
        if (wanted(namespace)) {
            publishIfMissing(namespace.getMetadata().getName());
        }
    }

    private void publishForWaypoint(Gateway gateway) {
        if (isWaypoint(gateway)) {
            publishIfMissing(gateway.getMetadata().getNamespace());
        }
    }

    private void publishIfMissing(String namespace) {
        SharedIndexInformer<ConfigMap> known = copies;
        ConfigMap copy = known == null ? null : known.getStore().getByKey(namespace + "/" + CONFIG_MAP);
        if (copy == null || !current(copy)) {
            publish(namespace);
        }
    }

    /** A waypoint or an ingress gateway: both run a pod that mounts the copy. */
    private static boolean isWaypoint(Gateway gateway) {
        return gateway.getSpec() != null && (MeshLabels.WAYPOINT_CLASS.equals(gateway.getSpec().getGatewayClassName())
                || MeshLabels.INGRESS_CLASS.equals(gateway.getSpec().getGatewayClassName()));
    }

    private boolean hasWaypoint(String namespace) {
        SharedIndexInformer<Gateway> known = waypoints;
        return known != null && known.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace).stream()
                .anyMatch(RootCertPublisher::isWaypoint);
    }

    private void restoreIfChanged(ConfigMap copy) {
        if (!current(copy)) {
            publish(copy.getMetadata().getNamespace());
        }
    }

    private boolean wanted(Namespace namespace) {
        if (namespace.getMetadata().getDeletionTimestamp() != null) {
            return false;
        }
        Map<String, String> labels = namespace.getMetadata().getLabels();
        return rootNamespace.equals(namespace.getMetadata().getName())
                || labels != null && MeshLabels.AMBIENT.equals(labels.get(MeshLabels.DATAPLANE_MODE))
                || hasWaypoint(namespace.getMetadata().getName());
    }

    private boolean current(ConfigMap copy) {
        return copy.getData() != null && rootsPem.equals(copy.getData().get(KEY));
    }

    private void publish(String namespace) {
        ConfigMap copy = new ConfigMapBuilder().withNewMetadata().withName(CONFIG_MAP).withNamespace(namespace)
                .addToLabels("app.kubernetes.io/managed-by", "ambit").endMetadata()
                .withData(Map.of(KEY, rootsPem)).build();
        try {
            // A merge patch leaves keys and labels others added alone.
            client.resource(copy).createOr(existing -> existing.patch(MERGE));
            log.info("event=trust_bundle_published namespace={} configmap={}", namespace, CONFIG_MAP);
        } catch (KubernetesClientException e) {
            // The next resync tries again.
            log.warn("event=trust_bundle_publish_failed namespace={} error=\"{}\"", namespace, e.getMessage());
        }
    }

    @Override
    public void close() {
        stop();
    }
}
