package dev.ambit.control.waypoint;

import dev.ambit.api.model.NamespacedName;
import dev.ambit.control.model.MeshSettings;
import dev.ambit.control.model.convert.MeshLabels;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusAddressBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deploys a waypoint for every {@code Gateway} of class {@code ambit-waypoint} and reports it in the Gateway's
 * status; deleting the Gateway removes the waypoint. Runs on the leader only: {@link #start} when elected,
 * {@link #stop} when not. Changes to one Gateway are coalesced; one worker applies them in order.
 */
public final class WaypointDeployer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WaypointDeployer.class);

    private final KubernetesClient client;
    private final String image;
    private final MeshSettings settings;
    private final Map<String, Gateway> pending = new ConcurrentHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "ambit-waypoint-deployer");
        thread.setDaemon(true);
        return thread;
    });
    private SharedIndexInformer<Gateway> informer;

    public WaypointDeployer(KubernetesClient client, String image, MeshSettings settings) {
        this.client = client;
        this.image = image;
        this.settings = settings;
    }

    public synchronized void start() {
        if (informer != null) {
            return;
        }
        informer = client.resources(Gateway.class).inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Gateway gateway) {
                submit(gateway);
            }

            @Override
            public void onUpdate(Gateway old, Gateway gateway) {
                if (!old.getSpec().equals(gateway.getSpec())) {
                    submit(gateway);
                }
            }

            @Override
            public void onDelete(Gateway gateway, boolean finalStateUnknown) {
                if (isWaypoint(gateway)) {
                    worker.execute(() -> remove(gateway));
                }
            }
        });
    }

    public synchronized void stop() {
        if (informer != null) {
            informer.close();
            informer = null;
        }
    }

    private void submit(Gateway gateway) {
        if (!isWaypoint(gateway)) {
            return;
        }
        String key = gateway.getMetadata().getNamespace() + "/" + gateway.getMetadata().getName();
        if (pending.put(key, gateway) == null) {
            worker.execute(() -> deploy(pending.remove(key)));
        }
    }

    private static boolean isWaypoint(Gateway gateway) {
        return gateway.getSpec() != null && MeshLabels.WAYPOINT_CLASS.equals(gateway.getSpec().getGatewayClassName());
    }

    private void deploy(Gateway gateway) {
        String key = gateway.getMetadata().getNamespace() + "/" + gateway.getMetadata().getName();
        try {
            for (HasMetadata resource : WaypointResources.of(gateway, image)) {
                client.resource(resource).createOr(NonDeletingOperation::update);
            }
            writeStatus(gateway, condition("Accepted", "True", "Accepted", "waypoint deployed", gateway),
                    condition("Programmed", "True", "Programmed", "waypoint Deployment and Service exist", gateway));
            log.info("event=waypoint_deployed gateway={} image={}", key, image);
        } catch (KubernetesClientException e) {
            log.warn("event=waypoint_deploy_failed gateway={} error=\"{}\"", key, e.getMessage());
            writeStatus(gateway, condition("Accepted", "True", "Accepted", "waypoint accepted", gateway),
                    condition("Programmed", "False", "Invalid", "deploying failed: " + e.getMessage(), gateway));
        }
    }

    private void remove(Gateway gateway) {
        String key = gateway.getMetadata().getNamespace() + "/" + gateway.getMetadata().getName();
        try {
            // Owner references make Kubernetes do this too; deleting here also covers clusters without GC.
            WaypointResources.of(gateway, image).forEach(resource -> client.resource(resource).delete());
            log.info("event=waypoint_removed gateway={}", key);
        } catch (KubernetesClientException e) {
            log.warn("event=waypoint_remove_failed gateway={} error=\"{}\"", key, e.getMessage());
        }
    }

    private void writeStatus(Gateway gateway, Condition... conditions) {
        Gateway current = client.resources(Gateway.class).inNamespace(gateway.getMetadata().getNamespace())
                .withName(gateway.getMetadata().getName()).get();
        if (current == null) {
            return;
        }
        current.setStatus(new GatewayStatusBuilder().withConditions(List.of(conditions))
                .withAddresses(new GatewayStatusAddressBuilder().withType("Hostname")
                        .withValue(settings.hostname(NamespacedName.of(
                                gateway.getMetadata().getNamespace(), gateway.getMetadata().getName()))).build())
                .build());
        try {
            client.resource(current).updateStatus();
        } catch (KubernetesClientException e) {
            log.warn("event=waypoint_status_failed gateway={}/{} error=\"{}\"", gateway.getMetadata().getNamespace(),
                    gateway.getMetadata().getName(), e.getMessage());
        }
    }

    private static Condition condition(String type, String status, String reason, String message, Gateway gateway) {
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
                .withObservedGeneration(gateway.getMetadata().getGeneration())
                .withLastTransitionTime(Instant.now().toString()).build();
    }

    @Override
    public void close() {
        stop();
        worker.shutdownNow();
    }
}
