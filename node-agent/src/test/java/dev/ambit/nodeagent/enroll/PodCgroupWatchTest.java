package dev.ambit.nodeagent.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watch that wakes the agent when a pod's cgroup appears: in the kubelet's layouts (a pod straight under the pods
 * cgroup, under a QoS slice, under a slice created after the watch started), and not for what is no pod's place.
 * inotify behaves on a plain directory as on the cgroup v2 file system, so no root is needed here.
 */
@Timeout(30)
class PodCgroupWatchTest {

    @TempDir
    Path pods;

    private final LinkedBlockingQueue<Long> wakeUps = new LinkedBlockingQueue<>();

    @Test
    void aPodCgroupAppearingAnywhereThePodsLiveWakesTheAgent() throws Exception {
        Files.createDirectories(pods.resolve("kubepods-burstable.slice"));
        try (PodCgroupWatch watch = PodCgroupWatch.start(pods, () -> wakeUps.add(System.nanoTime()))) {
            assertEquals(2, watch.watchedDirectories(), "the pods cgroup and its QoS slice");

            Files.createDirectory(pods.resolve("podhello-v1"));
            awaitWakeUp("a pod straight under the pods cgroup (the local mesh's layout)");

            Files.createDirectory(pods.resolve("kubepods-burstable.slice/kubepods-burstable-pod1111_2222.slice"));
            awaitWakeUp("a pod under an existing QoS slice (the systemd driver's layout)");

            Path besteffort = Files.createDirectory(pods.resolve("besteffort"));
            awaitWakeUp("a new slice (it may hold pods)");
            // Watched before the wake-up: a pod created in it from now on is seen.
            assertEquals(3, watch.watchedDirectories());
            Files.createDirectory(besteffort.resolve("pod6f1c1a4e-0b2d-4f6e-9a53-1d2c3b4a5f60"));
            awaitWakeUp("a pod under a slice created after the watch started (the cgroupfs driver's layout)");
        }
    }

    @Test
    void containersInsideAPodAreNotWatched() throws Exception {
        Path pod = Files.createDirectories(pods.resolve("podhello-v1"));
        try (PodCgroupWatch watch = PodCgroupWatch.start(pods, () -> wakeUps.add(System.nanoTime()))) {
            assertEquals(1, watch.watchedDirectories(), "the pods cgroup only: a pod's containers are no pods");
            Files.createDirectory(pod.resolve("cri-containerd-abc.scope"));
            // A pod created afterwards must be the first and only wake-up: the container made none.
            Files.createDirectory(pods.resolve("podhello-v2"));
            awaitWakeUp("the second pod");
            assertTrue(wakeUps.isEmpty(), "a container's cgroup woke the agent");
        }
    }

    @Test
    void aPodsCgroupThatDoesNotExistCannotBeWatched() {
        UncheckedIOException refused = assertThrows(UncheckedIOException.class,
                () -> PodCgroupWatch.start(pods.resolve("missing"), () -> { }));
        assertTrue(refused.getMessage().contains("cannot watch " + pods.resolve("missing")), refused.getMessage());
    }

    private void awaitWakeUp(String what) throws InterruptedException {
        assertTrue(wakeUps.poll(10, TimeUnit.SECONDS) != null, "no wake-up for " + what);
        wakeUps.clear();
    }
}
