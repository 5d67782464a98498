package dev.ambit.control.source.kube;

import dev.ambit.control.metrics.ControlMetrics;
import dev.ambit.control.model.ConfigErrors;
import dev.ambit.control.source.ObjectKey;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports objects the model refuses as Warning Events on the object ({@code kubectl describe} shows them), once
 * per distinct problem. Events are written by the leader only, so replicas do not repeat each other, and off the
 * model thread through a small bounded queue: under an event storm the oldest reports are dropped, never the model
 * stalled.
 */
public final class KubeConfigErrors implements ConfigErrors, AutoCloseable {

    static final String REASON = "InvalidConfig";
    private static final Logger log = LoggerFactory.getLogger(KubeConfigErrors.class);
    private static final int MAX_PENDING_EVENTS = 256;

    private final KubernetesClient client;
    private final BooleanSupplier leader;
    private final ControlMetrics metrics;
    private final Map<ObjectKey, String> reported = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(MAX_PENDING_EVENTS), runnable -> {
                Thread thread = new Thread(runnable, "ambit-config-events");
                thread.setDaemon(true);
                return thread;
            }, new ThreadPoolExecutor.DiscardOldestPolicy());

    public KubeConfigErrors(KubernetesClient client, BooleanSupplier leader, ControlMetrics metrics) {
        this.client = client;
        this.leader = leader;
        this.metrics = metrics;
    }

    @Override
    public void invalid(HasMetadata object, String field, String problem) {
        ObjectKey key = ObjectKey.of(object);
        String message = key + ": " + (field.isEmpty() ? "" : field + ": ") + problem;
        if (message.equals(reported.put(key, message))) {
            return;
        }
        metrics.configError();
        log.warn("event=config_object_invalid object=\"{}\" error=\"{}\" action=keeping_previous_version", key, message);
        if (leader.getAsBoolean()) {
            writer.execute(() -> record(object, message));
        }
    }

    @Override
    public void accepted(HasMetadata object) {
        ObjectKey key = ObjectKey.of(object);
        if (reported.remove(key) != null) {
            log.info("event=config_object_valid object=\"{}\"", key);
        }
    }

    private void record(HasMetadata object, String message) {
        String namespace = object.getMetadata().getNamespace() == null ? "default" : object.getMetadata().getNamespace();
        String now = Instant.now().toString();
        Event event = new EventBuilder()
                .withNewMetadata().withGenerateName(object.getMetadata().getName() + ".").withNamespace(namespace)
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(object.getApiVersion())
                        .withKind(object.getKind()).withNamespace(object.getMetadata().getNamespace())
                        .withName(object.getMetadata().getName()).withUid(object.getMetadata().getUid())
                        .withResourceVersion(object.getMetadata().getResourceVersion()).build())
                .withType("Warning").withReason(REASON).withMessage(message)
                .withFirstTimestamp(now).withLastTimestamp(now).withCount(1)
                .withNewSource().withComponent("ambit-controller").endSource()
                .build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
        } catch (KubernetesClientException e) {
            log.warn("event=config_event_failed object=\"{}\" error=\"{}\"", ObjectKey.of(object), e.getMessage());
        }
    }

    @Override
    public void close() {
        writer.shutdownNow();
    }
}
