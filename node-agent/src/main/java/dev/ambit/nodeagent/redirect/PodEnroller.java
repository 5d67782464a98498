package dev.ambit.nodeagent.redirect;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.host.bpf.BpfMap;
import dev.ambit.host.Cgroup2;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts pods into the mesh and takes them out, through the pinned {@code enrolled} map: the kernel
 * steers the connections of every socket whose cgroup is, or is below, an enrolled pod cgroup.
 */
public final class PodEnroller {

    static final String MAP_NAME = "enrolled";
    private static final Logger LOG = LoggerFactory.getLogger(PodEnroller.class);

    private final BpfMap enrolled;
    private final Path podsCgroup;

    PodEnroller(BpfMap enrolled, Path podsCgroup) {
        this.enrolled = enrolled;
        this.podsCgroup = podsCgroup;
    }

    /**
     * Enrolls (or updates) the pod whose cgroup is {@code podCgroup}; it must be below the pods
     * cgroup the steering programs are attached to, or its connections would not be steered.
     */
    public EnrolledPod enroll(Path podCgroup, List<InetAddress> addresses, SpiffeId identity, PodMode mode) {
        return enroll(podCgroup, addresses, identity, mode, true);
    }

    /** As {@link #enroll(Path, List, SpiffeId, PodMode)}; {@code dnsCapture} false leaves the pod's DNS alone. */
    public EnrolledPod enroll(Path podCgroup, List<InetAddress> addresses, SpiffeId identity, PodMode mode,
                              boolean dnsCapture) {
        Path cgroup = podCgroup.toAbsolutePath().normalize();
        if (!cgroup.startsWith(podsCgroup) || cgroup.equals(podsCgroup)) {
            throw new IllegalArgumentException("pod cgroup " + cgroup + " is not below the steered pods cgroup " + podsCgroup);
        }
        EnrolledPod pod = new EnrolledPod(Cgroup2.id(cgroup), addresses, identity, mode, dnsCapture);
        enrolled.update(EnrolledPod.encodeKey(pod.cgroupId()), pod.encodeValue());
        LOG.info("event=pod_enrolled cgroup={} cgroup_id={} identity={} mode={} dns_capture={} addresses={}",
                cgroup, pod.cgroupId(), identity, mode, dnsCapture, addresses);
        return pod;
    }

    /** @return whether the pod was enrolled */
    public boolean unenroll(Path podCgroup) {
        return unenroll(Cgroup2.id(podCgroup));
    }

    /** By cgroup id: the way to take out a pod whose cgroup directory is already gone. */
    public boolean unenroll(long cgroupId) {
        boolean removed = enrolled.delete(EnrolledPod.encodeKey(cgroupId));
        LOG.info("event=pod_unenrolled cgroup_id={} was_enrolled={}", cgroupId, removed);
        return removed;
    }

    public List<EnrolledPod> enrolledPods() {
        return enrolled.keys().stream()
                .flatMap(key -> enrolled.lookup(key).map(value -> EnrolledPod.decode(EnrolledPod.decodeKey(key), value)).stream())
                .toList();
    }

    public int enrolledCount() {
        return enrolled.keys().size();
    }

    /** The enrolled pod with this address: how the tunnel learns the identity of an accepted connection's source. */
    public Optional<EnrolledPod> podWithAddress(InetAddress address) {
        return enrolledPods().stream().filter(pod -> pod.addresses().contains(address)).findFirst();
    }

    /** Removes enrollments whose cgroup is gone (pods deleted while no agent ran). */
    int forgetRemovedPods() {
        Set<Long> existing = existingCgroupIds();
        int forgotten = 0;
        for (byte[] key : enrolled.keys()) {
            long cgroupId = EnrolledPod.decodeKey(key);
            if (!existing.contains(cgroupId) && enrolled.delete(key)) {
                LOG.info("event=pod_enrollment_dropped reason=cgroup_gone cgroup_id={}", cgroupId);
                forgotten++;
            }
        }
        return forgotten;
    }

    private Set<Long> existingCgroupIds() {
        try (Stream<Path> cgroups = Files.walk(podsCgroup)) {
            return cgroups.filter(Files::isDirectory).map(Cgroup2::id).collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the cgroups below " + podsCgroup, e);
        }
    }
}
