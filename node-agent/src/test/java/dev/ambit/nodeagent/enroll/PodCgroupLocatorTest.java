package dev.ambit.nodeagent.enroll;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodCgroupLocatorTest {

    private static final String UID = "6f1c1a4e-0b2d-4f6e-9a53-1d2c3b4a5f60";

    @TempDir
    Path pods;

    @Test
    void findsKubeletCgroupfsSystemdAndLocalLayouts() throws Exception {
        Path cgroupfs = Files.createDirectories(pods.resolve("besteffort/pod" + UID));
        Files.createDirectories(cgroupfs.resolve("0123456789abcdef")); // a container: not a pod
        Path systemd = Files.createDirectories(
                pods.resolve("kubepods-burstable.slice/kubepods-burstable-pod" + "11111111_2222_3333_4444_555555555555"
                        + ".slice/cri-containerd-abc.scope"));
        Path local = Files.createDirectories(pods.resolve("podhello-v1"));

        Map<String, Path> found = new PodCgroupLocator(pods).podCgroupsByUid();

        assertEquals(cgroupfs, found.get(UID));
        assertEquals(systemd.getParent(), found.get("11111111-2222-3333-4444-555555555555"));
        assertEquals(local, found.get("hello-v1"));
        assertEquals(3, found.size());
    }

    @Test
    void ignoresNamesThatOnlyContainPod() {
        assertEquals(Optional.empty(), PodCgroupLocator.uidOf(Path.of("system.slice")));
        assertEquals(Optional.empty(), PodCgroupLocator.uidOf(Path.of("ipod")));
        assertEquals(Optional.empty(), PodCgroupLocator.uidOf(Path.of("kubepods")));
        assertEquals(Optional.of("abc"), PodCgroupLocator.uidOf(Path.of("podabc")));
    }

    @Test
    void aUidThatContainsPodIsReadWhole() throws Exception {
        assertEquals(Optional.of("demo-podstart-1"), PodCgroupLocator.uidOf(Path.of("poddemo-podstart-1")));
        assertEquals(Optional.of("demo-podstart-1"),
                PodCgroupLocator.uidOf(Path.of("kubepods-besteffort-poddemo_podstart_1.slice")));
        Path local = Files.createDirectories(pods.resolve("poddemo-podstart-1"));

        assertEquals(Map.of("demo-podstart-1", local), new PodCgroupLocator(pods).podCgroupsByUid());
    }

    @Test
    void aMissingPodsCgroupIsEmptyNotAnError() {
        assertEquals(Map.of(), new PodCgroupLocator(pods.resolve("absent")).podCgroupsByUid());
    }
}
