package dev.ambit.control.source.kube;

import dev.ambit.control.source.ObjectSink;
import dev.ambit.control.source.SupportedKinds;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.SharedInformerFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes mode's source: one shared informer per {@link SupportedKinds supported kind}, cluster-wide, feeding
 * the model. Informers retry failed lists and watches (an API server restart, a CRD installed later) on their
 * own; the source reports itself synced once every informer listed, or after the sync timeout with the kinds
 * still missing named, so that one absent CRD does not keep the whole mesh unconfigured.
 */
public final class KubeSource implements AutoCloseable {

    public static final String NAME = "kubernetes";

    private static final Logger log = LoggerFactory.getLogger(KubeSource.class);

    private final SharedInformerFactory factory;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "ambit-kube-sync-timeout");
        thread.setDaemon(true);
        return thread;
    });

    public KubeSource(KubernetesClient client) {
        this.factory = client.informers();
    }

    public void start(ObjectSink sink, Duration syncTimeout) {
        for (SupportedKinds.Kind kind : SupportedKinds.ALL) {
            SharedIndexInformer<? extends HasMetadata> informer = factory.sharedIndexInformerFor(kind.type(), 0);
            informer.exceptionHandler((started, error) -> {
                log.warn("event=informer_error kind={} started={} error=\"{}\" action=retrying", kind.kind(), started,
                        error.getMessage());
                return true;
            });
            informer.addEventHandler(new Forwarder(sink));
        }
        CompletableFuture<Void> synced = CompletableFuture.runAsync(() -> {
            try {
                factory.startAllRegisteredInformers().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                log.warn("event=informers_start_failed error=\"{}\"", e.getCause().getMessage());
            }
        });
        timer.schedule(() -> synced.complete(null), syncTimeout.toMillis(), TimeUnit.MILLISECONDS);
        synced.thenRun(() -> {
            SupportedKinds.ALL.stream()
                    .filter(kind -> !factory.getExistingSharedIndexInformer(kind.type()).hasSynced())
                    .forEach(kind -> log.warn("event=informer_not_synced kind={} api_version={} hint=\"is its CRD"
                            + " installed?\"", kind.kind(), kind.apiVersion()));
            sink.synced(NAME);
        });
    }

    @Override
    public void close() {
        timer.shutdownNow();
        factory.stopAllRegisteredInformers();
    }

    private record Forwarder(ObjectSink sink) implements ResourceEventHandler<HasMetadata> {

        @Override
        public void onAdd(HasMetadata object) {
            sink.upsert(object);
        }

        @Override
        public void onUpdate(HasMetadata old, HasMetadata object) {
            if (!old.equals(object)) {
                sink.upsert(object);
            }
        }

        @Override
        public void onDelete(HasMetadata object, boolean finalStateUnknown) {
            sink.delete(object);
        }
    }
}
