package dev.ambit.control.model;

import dev.ambit.control.source.ObjectSink;
import dev.ambit.runtime.lifecycle.ExecutorStop;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live model: sources deliver objects from their own threads; one model thread applies them in batches
 * (whatever arrived while the last batch was built) and publishes a new snapshot when config changed. Nothing is
 * published until every expected source has synced, so a client never gets a half-listed cluster.
 */
public final class MeshModel implements ObjectSink, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MeshModel.class);

    private record Change(HasMetadata object, boolean deleted, long atNanos) {
    }

    private final ModelBuilder builder;
    private final Queue<Change> changes = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
        Thread t = new Thread(runnable, "ambit-model");
        t.setDaemon(true);
        return t;
    });
    private final List<SnapshotListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<String> unsyncedSources;
    private volatile ConfigSnapshot current = ConfigSnapshot.EMPTY;
    private volatile boolean ready;
    private long version;
    private long oldestUnpublishedNanos;

    /** @param sources the names the sources will pass to {@link #synced} */
    public MeshModel(MeshSettings settings, ConfigErrors errors, Set<String> sources) {
        this.builder = new ModelBuilder(settings, errors);
        this.unsyncedSources = new HashSet<>(sources);
    }

    public void addListener(SnapshotListener listener) {
        listeners.add(listener);
    }

    public ConfigSnapshot current() {
        return current;
    }

    /** Every source has synced and the first snapshot is out. */
    public boolean isReady() {
        return ready;
    }

    @Override
    public void upsert(HasMetadata object) {
        enqueue(new Change(object, false, System.nanoTime()));
    }

    @Override
    public void delete(HasMetadata object) {
        enqueue(new Change(object, true, System.nanoTime()));
    }

    @Override
    public void synced(String source) {
        thread.execute(() -> {
            if (unsyncedSources.remove(source)) {
                log.info("event=source_synced source={} waiting_for={}", source, unsyncedSources);
            }
            drain();
        });
    }

    private void enqueue(Change change) {
        changes.add(change);
        if (drainScheduled.compareAndSet(false, true)) {
            thread.execute(this::drain);
        }
    }

    private void drain() {
        drainScheduled.set(false);
        for (Change change = changes.poll(); change != null; change = changes.poll()) {
            if (oldestUnpublishedNanos == 0) {
                oldestUnpublishedNanos = change.atNanos();
            }
            try {
                builder.apply(change.object(), change.deleted());
            } catch (RuntimeException e) {
                // A converter bug must not take the model thread down with it; the object is skipped.
                log.error("event=model_apply_failed object={}/{} kind={}", change.object().getMetadata().getNamespace(),
                        change.object().getMetadata().getName(), change.object().getKind(), e);
            }
        }
        if (unsyncedSources.isEmpty() && (builder.hasChanges() || !ready)) {
            publish();
        }
    }

    private void publish() {
        long changedAt = oldestUnpublishedNanos == 0 ? System.nanoTime() : oldestUnpublishedNanos;
        ConfigSnapshot snapshot = builder.snapshot(++version, changedAt);
        oldestUnpublishedNanos = 0;
        current = snapshot;
        if (!ready) {
            ready = true;
            log.info("event=model_ready version={}", snapshot.version());
        }
        for (SnapshotListener listener : listeners) {
            listener.onSnapshot(snapshot);
        }
    }

    @Override
    public void close() {
        ExecutorStop.now(thread, Duration.ofSeconds(5));
    }
}
