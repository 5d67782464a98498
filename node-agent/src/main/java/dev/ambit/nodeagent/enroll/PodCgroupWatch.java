package dev.ambit.nodeagent.enroll;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the agent at once when a cgroup appears under the node's pods cgroup, so that a pod whose sandbox skipped the
 * CNI plugin (created before the plugin was installed, or with it off) is enrolled as soon as its cgroup exists
 * instead of at the next periodic pass. The kubelet creates a pod's cgroup before its containers, so the pod is in
 * the kernel's map before its first process runs, whenever its config arrived first.
 *
 * <p>inotify watches one directory at a time: the pods cgroup and the directories between it and the pods (the
 * kubelet's QoS slices, {@code kubepods-burstable.slice} and the like) are watched, pods' own cgroups and their
 * containers are not. The periodic pass stays as the safety net for whatever this misses (a full event queue, a
 * directory that could not be watched): both only ask for a pass, and a pass is idempotent.
 */
public final class PodCgroupWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PodCgroupWatch.class);

    private final Path podsCgroup;
    private final int maxDepth;
    private final Runnable cgroupAppeared;
    private final WatchService watcher;
    private final Map<WatchKey, Path> watched = new ConcurrentHashMap<>();
    private final Thread thread;

    private PodCgroupWatch(Path podsCgroup, int maxDepth, Runnable cgroupAppeared, WatchService watcher) {
        this.podsCgroup = podsCgroup;
        this.maxDepth = maxDepth;
        this.cgroupAppeared = cgroupAppeared;
        this.watcher = watcher;
        this.thread = new Thread(this::run, "ambit-pod-cgroup-watch");
        this.thread.setDaemon(true);
    }

    /**
     * Watches {@code podsCgroup} and its non-pod directories down to where {@link PodCgroupLocator} looks for pods;
     * {@code cgroupAppeared} runs on the watch's own thread, so it must only hand work off.
     *
     * @throws UncheckedIOException when the pods cgroup cannot be watched (it does not exist, say)
     */
    public static PodCgroupWatch start(Path podsCgroup, Runnable cgroupAppeared) {
        int maxDepth = PodCgroupLocator.MAX_DEPTH;
        WatchService watcher;
        try {
            watcher = FileSystems.getDefault().newWatchService();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + podsCgroup + ": " + e.getMessage(), e);
        }
        PodCgroupWatch watch = new PodCgroupWatch(podsCgroup, maxDepth, cgroupAppeared, watcher);
        try {
            watch.watchTree(podsCgroup);
        } catch (UncheckedIOException e) {
            watch.close();
            throw e;
        }
        watch.thread.start();
        log.info("event=pod_cgroup_watch_started pods_cgroup={} directories={}", podsCgroup, watch.watched.size());
        return watch;
    }

    /** How many directories are watched now. */
    public int watchedDirectories() {
        return watched.size();
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            log.debug("event=pod_cgroup_watch_close_failed error=\"{}\"", e.getMessage());
        }
        thread.interrupt();
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                Path directory = watched.get(key);
                boolean appeared = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        // Events were lost: a pass finds whatever they were about.
                        appeared = true;
                    } else if (directory != null && event.context() instanceof Path name) {
                        appeared |= created(directory.resolve(name));
                    }
                }
                if (!key.reset()) {
                    // The directory is gone (a QoS slice removed): nothing more comes from it.
                    watched.remove(key);
                }
                if (appeared) {
                    cgroupAppeared.run();
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // Closed: the agent is stopping.
        }
    }

    /** A new entry under a watched directory: true when it may be, or hold, a pod's cgroup. */
    private boolean created(Path entry) {
        if (!Files.isDirectory(entry)) {
            return false;
        }
        if (PodCgroupLocator.uidOf(entry).isEmpty()) {
            try {
                // A new slice between the pods cgroup and the pods: pods created in it are to be seen too.
                watchTree(entry);
            } catch (UncheckedIOException e) {
                log.warn("event=pod_cgroup_watch_failed directory={} error=\"{}\"", entry, e.getMessage());
            }
        }
        return true;
    }

    /** Watches {@code top} and the directories below it that are not pods, down to the pods' depth. */
    private void watchTree(Path top) {
        int topDepth = podsCgroup.relativize(top).getNameCount();
        if (top.equals(podsCgroup)) {
            topDepth = 0;
        }
        if (topDepth >= maxDepth) {
            return;
        }
        try (Stream<Path> tree = Files.walk(top, maxDepth - 1 - topDepth)) {
            for (Path directory : (Iterable<Path>) tree::iterator) {
                if (Files.isDirectory(directory) && (directory.equals(podsCgroup)
                        || PodCgroupLocator.uidOf(directory).isEmpty() && !insidePod(directory))) {
                    watched.put(directory.register(watcher, StandardWatchEventKinds.ENTRY_CREATE), directory);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch " + top + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException("cannot watch " + top + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Whether a directory lies inside a pod's cgroup (a container's): not where pods appear. */
    private boolean insidePod(Path directory) {
        for (Path up = directory.getParent(); up != null && up.startsWith(podsCgroup) && !up.equals(podsCgroup);
                up = up.getParent()) {
            if (PodCgroupLocator.uidOf(up).isPresent()) {
                return true;
            }
        }
        return false;
    }
}
