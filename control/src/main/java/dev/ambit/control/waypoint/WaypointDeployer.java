package dev.ambit.control.waypoint;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.control.metrics.ControlMetrics;
import dev.ambit.control.metrics.ControlMetrics.WaypointResult;
import dev.ambit.control.model.MeshSettings;
import dev.ambit.api.mesh.MeshLabels;
import dev.ambit.runtime.lifecycle.ExecutorStop;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys a waypoint for every {@code Gateway} of class {@code ambit-waypoint} and reports it in the Gateway's
 * status; deleting the Gateway, or moving it to another class, removes the waypoint. Runs on the leader only:
 * {@link #start} when elected, {@link #stop} when not. Work is queued by Gateway key and done by one worker from
 * the informer's latest state, so a burst of changes to one Gateway is applied once, and a failed apply is retried.
 */
public final class WaypointDeployer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WaypointDeployer.class);
    private static final Duration RETRY = Duration.ofSeconds(10);
    private static final PatchContext MERGE = PatchContext.of(PatchType.JSON_MERGE);

    private final KubernetesClient client;
    private final WaypointResources resources;
    private final WaypointStatus status;
    private final WaypointGatewayClass gatewayClass;
    private final ControlMetrics metrics;
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "ambit-waypoint-deployer");
        thread.setDaemon(true);
        return thread;
    });
    private volatile SharedIndexInformer<Gateway> informer;

    public WaypointDeployer(KubernetesClient client, WaypointDeploymentSettings settings, MeshSettings mesh,
            ControlMetrics metrics) {
        this.client = client;
        this.resources = new WaypointResources(settings, mesh);
        this.status = new WaypointStatus(client, mesh);
        this.gatewayClass = new WaypointGatewayClass(client);
        this.metrics = metrics;
    }

    public synchronized void start() {
        if (informer != null) {
            return;
        }
        gatewayClass.ensure();
        // Published before it runs: its first list calls onAdd for every existing Gateway, and a reconcile that
        // found no informer would take itself for stopped and drop that Gateway until it next changes.
        SharedIndexInformer<Gateway> created = client.resources(Gateway.class).inAnyNamespace().runnableInformer(0);
        created.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Gateway gateway) {
                if (isWaypoint(gateway)) {
                    enqueue(Cache.metaNamespaceKeyFunc(gateway));
                }
            }

            @Override
            public void onUpdate(Gateway old, Gateway gateway) {
                // Status writes (ours included) change no spec and need no work.
                if (!Objects.equals(old.getSpec(), gateway.getSpec()) && (isWaypoint(old) || isWaypoint(gateway))) {
                    enqueue(Cache.metaNamespaceKeyFunc(gateway));
                }
            }

            @Override
            public void onDelete(Gateway gateway, boolean finalStateUnknown) {
                if (isWaypoint(gateway)) {
                    enqueue(Cache.metaNamespaceKeyFunc(gateway));
                }
            }
        });
        informer = created;
        created.run();
    }

    public synchronized void stop() {
        if (informer != null) {
            informer.close();
            informer = null;
        }
    }

    private void enqueue(String key) {
        if (queued.add(key)) {
            worker.execute(() -> {
                queued.remove(key);
                reconcile(key);
            });
        }
    }

    private static boolean isWaypoint(Gateway gateway) {
        return gateway.getSpec() != null && MeshLabels.WAYPOINT_CLASS.equals(gateway.getSpec().getGatewayClassName());
    }

    private void reconcile(String key) {
        SharedIndexInformer<Gateway> current = informer;
        if (current == null) {
            return; // no longer leading: the new leader reconciles everything
        }
        Gateway found = current.getStore().getByKey(key);
        Gateway gateway = found != null && isWaypoint(found) ? found : null;
        try {
            if (gateway != null) {
                deploy(gateway);
            } else {
                remove(key);
            }
        } catch (KubernetesClientException e) {
            if (informer == null) {
                return; // stopped while applying: not a failure to report or retry
            }
            metrics.waypointUpdate(WaypointResult.FAILED);
            log.warn("event=waypoint_update_failed gateway={} error=\"{}\" retry_in_s={}", key, e.getMessage(),
                    RETRY.toSeconds());
            if (gateway != null) {
                status.write(gateway, false, "Pending", "applying the waypoint failed, retrying: " + e.getMessage());
            }
            worker.schedule(() -> enqueue(key), RETRY.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void deploy(Gateway gateway) {
        String key = Cache.metaNamespaceKeyFunc(gateway);
        List<HasMetadata> desired = resources.of(gateway);
        List<HasMetadata> existing = desired.stream().map(resource -> client.resource(resource).get()).toList();
        Optional<HasMetadata> foreign = existing.stream()
                .filter(found -> found != null && !WaypointResources.isManaged(found)).findFirst();
        if (foreign.isPresent()) {
            // Never overwrite what someone else made under the waypoint's name.
            metrics.waypointUpdate(WaypointResult.FAILED);
            log.warn("event=waypoint_name_taken gateway={} kind={}", key, foreign.get().getKind());
            status.write(gateway, false, "Invalid",
                    foreign.get().getKind() + " " + key + " exists and is not managed by Ambit");
            return;
        }
        for (int i = 0; i < desired.size(); i++) {
            if (existing.get(i) == null) {
                client.resource(desired.get(i)).create();
            } else {
                // A merge patch sets only the fields we write: a scaler's replicas, a restart annotation or others'
                // labels stay, where a replace would reset them.
                client.resource(desired.get(i)).patch(MERGE);
            }
        }
        metrics.waypointUpdate(WaypointResult.DEPLOYED);
        log.info("event=waypoint_deployed gateway={} generation={}", key, gateway.getMetadata().getGeneration());
        status.write(gateway, true, "Programmed", "waypoint Deployment, Service and ServiceAccount applied");
    }

    private void remove(String key) {
        NamespacedName name = NamespacedName.parse(key);
        Map<String, String> ours = Map.of(MeshLabels.GATEWAY_NAME, name.name(),
                WaypointResources.MANAGED_BY, WaypointResources.MANAGER);
        // Owner references make Kubernetes do this too; deleting here also covers clusters without GC.
        long deleted = Stream.of(
                        client.apps().deployments().inNamespace(name.namespace()).withLabels(ours).delete(),
                        client.services().inNamespace(name.namespace()).withLabels(ours).delete(),
                        client.serviceAccounts().inNamespace(name.namespace()).withLabels(ours).delete())
                .mapToLong(List::size).sum();
        if (deleted > 0) {
            metrics.waypointUpdate(WaypointResult.REMOVED);
            log.info("event=waypoint_removed gateway={} objects={}", key, deleted);
        }
    }

    /** Stops, and waits briefly for an apply in progress, so that nothing writes once the client closes. */
    @Override
    public void close() {
        stop();
        ExecutorStop.now(worker, Duration.ofSeconds(5));
    }
}
