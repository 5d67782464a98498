package dev.ambit.nodeagent.enroll;

import dev.ambit.host.Cgroup2;
import dev.ambit.nodeagent.redirect.EnrolledPod;
import dev.ambit.nodeagent.redirect.PodEnroller;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the kernel's {@code enrolled} map match what config says: enrolls this node's ambient pods, updates a pod
 * whose addresses, identity or mode changed, and takes out pods that left the mesh or the node.
 *
 * <p>Config can name a pod before its cgroup exists (the kubelet creates it later), so a pod without a cgroup is
 * left pending and picked up by a later pass; the agent runs one on every config change and periodically.
 */
public final class PodReconciler {

    private static final Logger log = LoggerFactory.getLogger(PodReconciler.class);

    private final PodEnroller enroller;
    private final PodCgroupLocator locator;
    private final Set<String> reportedPending = new HashSet<>();

    public PodReconciler(PodEnroller enroller, PodCgroupLocator locator) {
        this.enroller = enroller;
        this.locator = locator;
    }

    /** What one pass did. */
    public record Result(int enrolled, int updated, int removed, int pending) {
    }

    public synchronized Result reconcile(Collection<DesiredPod> desired) {
        Map<String, Path> cgroups = locator.podCgroupsByUid();
        Map<Long, EnrolledPod> current = enroller.enrolledPods().stream()
                .collect(Collectors.toMap(EnrolledPod::cgroupId, Function.identity()));
        Set<Long> keep = new HashSet<>();
        Set<String> pending = new HashSet<>();
        int enrolled = 0;
        int updated = 0;
        for (DesiredPod pod : desired) {
            Path cgroup = cgroups.get(pod.uid());
            if (cgroup == null) {
                pending.add(pod.uid());
                continue;
            }
            long cgroupId = Cgroup2.id(cgroup);
            keep.add(cgroupId);
            EnrolledPod wanted = new EnrolledPod(cgroupId, pod.addresses(), pod.identity(), pod.mode(),
                    pod.dnsCapture());
            EnrolledPod existing = current.get(cgroupId);
            if (!wanted.equals(existing)) {
                enroller.enroll(cgroup, pod.addresses(), pod.identity(), pod.mode(), pod.dnsCapture());
                if (existing == null) {
                    enrolled++;
                } else {
                    updated++;
                }
            }
        }
        int removed = 0;
        for (long cgroupId : current.keySet()) {
            if (!keep.contains(cgroupId) && enroller.unenroll(cgroupId)) {
                removed++;
            }
        }
        reportNewlyPending(pending);
        return new Result(enrolled, updated, removed, pending.size());
    }

    /**
     * Enrolls one pod now, whatever the periodic pass would do later: the CNI plugin's ADD waits on this. Returns
     * once the pod's entry is in the kernel's map.
     */
    public synchronized EnrolledPod enrollNow(DesiredPod pod, Path cgroup) {
        reportedPending.remove(pod.uid());
        return enroller.enroll(cgroup, pod.addresses(), pod.identity(), pod.mode(), pod.dnsCapture());
    }

    /** Takes the pod of this cgroup out of the kernel's map (CNI DEL). @return whether it was enrolled */
    public synchronized boolean release(Path cgroup) {
        return enroller.unenroll(cgroup);
    }

    private void reportNewlyPending(Set<String> pending) {
        for (String uid : pending) {
            if (reportedPending.add(uid)) {
                log.info("event=pod_enrollment_pending uid={} reason=cgroup_not_found_yet", uid);
            }
        }
        reportedPending.retainAll(pending);
    }
}
