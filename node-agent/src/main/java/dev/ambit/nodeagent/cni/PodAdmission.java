package dev.ambit.nodeagent.cni;

import dev.ambit.api.model.workload.DataplaneMode;
import dev.ambit.api.model.workload.Workload;
import dev.ambit.nodeagent.config.MeshConfigView;
import dev.ambit.nodeagent.enroll.DesiredPod;
import dev.ambit.nodeagent.enroll.PodCgroupLocator;
import dev.ambit.nodeagent.enroll.PodReconciler;
import dev.ambit.nodeagent.redirect.EnrolledPod;
import dev.ambit.ztunnel.config.TunnelConfig;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * Answers the CNI plugin: enrolls a starting pod before its containers run. ADD is answered once the pod's entry is
 * in the kernel's {@code enrolled} map, from what the agent already knows (the config stream); a pod config does not
 * name yet is waited for, up to {@code maxWait}, on every config push and every {@link #RECHECK_PERIOD} (its cgroup may
 * appear a moment later too), and then refused rather than let through. A pod of a namespace without ambient workloads
 * is answered "not ambient" at once, so other namespaces never wait.
 *
 * <p>Every piece of state lives on {@code executor}, the agent's single enrollment thread, which also runs the
 * periodic reconciliation: the two never race over the kernel map.
 */
public final class PodAdmission {

    static final Duration RECHECK_PERIOD = Duration.ofMillis(50);

    private final String nodeName;
    private final PodReconciler reconciler;
    private final PodCgroupLocator locator;
    private final ScheduledExecutorService executor;
    private final Duration maxWait;
    private final Consumer<Set<String>> ambientNamespacesChanged;
    private final List<Waiting> waiting = new ArrayList<>();
    /** Pod IPs from the plugin's prevResult, by pod UID: config learns them only after ADD has returned. */
    private final Map<String, List<InetAddress>> addressesFromCni = new HashMap<>();
    private TunnelConfig config = TunnelConfig.EMPTY;
    private boolean configured;
    private Set<String> ambientNamespaces = Set.of();
    private ScheduledFuture<?> recheck;

    private record Waiting(CniRequest request, CompletableFuture<CniAnswer> answer, long deadlineNanos) {
    }

    public PodAdmission(String nodeName, PodReconciler reconciler, PodCgroupLocator locator,
            ScheduledExecutorService executor, Duration maxWait, Consumer<Set<String>> ambientNamespacesChanged) {
        this.nodeName = nodeName;
        this.reconciler = reconciler;
        this.locator = locator;
        this.executor = executor;
        this.maxWait = maxWait;
        this.ambientNamespacesChanged = ambientNamespacesChanged;
    }

    /** The answer to one plugin request; completes on the enrollment thread. */
    public CompletableFuture<CniAnswer> handle(CniRequest request) {
        CompletableFuture<CniAnswer> answer = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                switch (request.command()) {
                    case ADD, CHECK -> admit(new Waiting(request, answer, System.nanoTime() + maxWait.toNanos()));
                    case DEL -> answer.complete(release(request));
                }
            } catch (RuntimeException e) {
                answer.complete(CniAnswer.failed("cannot enroll pod " + request.pod() + ": " + e.getMessage()));
            }
        });
        return answer;
    }

    /** A new config from the controller; call on the enrollment thread before reconciling with it. */
    public void configChanged(TunnelConfig newConfig) {
        config = newConfig;
        configured = true;
        // Addresses are kept only for pods config still names: a pod config dropped is gone, DEL or not.
        Set<String> named = newConfig.workloads().stream().map(Workload::uid).collect(Collectors.toSet());
        addressesFromCni.keySet().retainAll(named);
        Set<String> ambient = newConfig.workloads().stream()
                .filter(workload -> workload.dataplaneMode() == DataplaneMode.AMBIENT)
                .map(workload -> workload.name().namespace())
                .collect(Collectors.toCollection(TreeSet::new));
        if (!ambient.equals(ambientNamespaces)) {
            ambientNamespaces = Set.copyOf(ambient);
            ambientNamespacesChanged.accept(ambient);
        }
        retryWaiting();
    }

    /**
     * The pods to steer, with the addresses the plugin reported for pods config knows without addresses yet, so the
     * periodic pass keeps what ADD enrolled.
     */
    public List<DesiredPod> withCniAddresses(List<DesiredPod> desired) {
        if (addressesFromCni.isEmpty()) {
            return desired;
        }
        return desired.stream().map(pod -> pod.addresses().isEmpty() && addressesFromCni.containsKey(pod.uid())
                ? pod.withAddresses(addressesFromCni.get(pod.uid()))
                : pod).toList();
    }

    private void admit(Waiting request) {
        Optional<CniAnswer> answer;
        try {
            answer = decide(request.request());
        } catch (RuntimeException e) {
            request.answer().complete(CniAnswer.failed("cannot enroll pod " + request.request().pod() + ": " + e.getMessage()));
            return;
        }
        if (answer.isPresent()) {
            request.answer().complete(answer.get());
        } else if (System.nanoTime() - request.deadlineNanos() >= 0) {
            request.answer().complete(CniAnswer.failed(unknownReason(request.request())));
        } else {
            waiting.add(request);
            scheduleRecheck();
        }
    }

    /** An answer now, or empty: wait for config (or the pod's cgroup) to say more. */
    private Optional<CniAnswer> decide(CniRequest request) {
        Optional<Workload> workload = config.workloads().stream().filter(w -> isThePod(w, request)).findFirst();
        if (workload.isEmpty()) {
            if (configured && !ambientNamespaces.contains(request.namespace())) {
                return Optional.of(CniAnswer.notAmbient("namespace " + request.namespace()
                        + " has no ambient workloads in the agent's config"));
            }
            return Optional.empty();
        }
        if (!workload.get().ambientOn(nodeName)) {
            return Optional.of(CniAnswer.notAmbient("pod " + request.pod() + " is not an ambient workload of node "
                    + nodeName));
        }
        String uid = workload.get().uid();
        Optional<DesiredPod> desired = MeshConfigView.podsToSteer(config, nodeName).stream()
                .filter(pod -> pod.uid().equals(uid)).findFirst();
        if (desired.isEmpty()) {
            return Optional.of(CniAnswer.notAmbient("pod " + request.pod() + " is not steered on node " + nodeName));
        }
        Optional<Path> cgroup = request.cgroup().map(Path::of).or(() -> Optional.ofNullable(locator.podCgroupsByUid().get(uid)));
        if (cgroup.isEmpty()) {
            return Optional.empty();
        }
        if (!request.addresses().isEmpty()) {
            addressesFromCni.put(uid, request.addresses());
        }
        DesiredPod pod = withCniAddresses(List.of(desired.get())).get(0);
        EnrolledPod enrolled = reconciler.enrollNow(pod, cgroup.get());
        return Optional.of(CniAnswer.enrolled(enrolled.cgroupId(), "pod " + request.pod() + " enrolled as "
                + pod.identity() + " (" + pod.mode() + ")"));
    }

    private static boolean isThePod(Workload workload, CniRequest request) {
        if (!request.uid().isEmpty()) {
            return workload.uid().equals(request.uid());
        }
        return workload.name().namespace().equals(request.namespace()) && workload.name().name().equals(request.name());
    }

    private String unknownReason(CniRequest request) {
        if (!configured) {
            return "the agent has no config from the controller yet (waited " + maxWait.toMillis() + " ms)";
        }
        boolean known = config.workloads().stream().anyMatch(w -> isThePod(w, request));
        return known ? "no cgroup for pod " + request.pod() + " (uid " + request.uid() + ") under the pods cgroup after "
                + maxWait.toMillis() + " ms"
                : "pod " + request.pod() + " (uid " + request.uid() + ") is not in the agent's config after "
                + maxWait.toMillis() + " ms";
    }

    private CniAnswer release(CniRequest request) {
        for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
            Waiting pending = it.next();
            if (pending.request().uid().equals(request.uid()) && pending.request().pod().equals(request.pod())) {
                pending.answer().complete(CniAnswer.failed("pod " + request.pod() + " was deleted while waiting"));
                it.remove();
            }
        }
        addressesFromCni.remove(request.uid());
        Optional<Path> cgroup = request.cgroup().map(Path::of)
                .or(() -> request.uid().isEmpty() ? Optional.empty() : Optional.ofNullable(locator.podCgroupsByUid().get(request.uid())));
        boolean wasEnrolled = cgroup.isPresent() && reconciler.release(cgroup.get());
        return CniAnswer.released("pod " + request.pod() + (wasEnrolled ? " taken out of the mesh" : " was not enrolled"));
    }

    private void retryWaiting() {
        List<Waiting> again = new ArrayList<>(waiting);
        waiting.clear();
        again.forEach(this::admit);
    }

    private void scheduleRecheck() {
        if (recheck == null || recheck.isDone()) {
            recheck = executor.schedule(() -> {
                recheck = null;
                retryWaiting();
            }, RECHECK_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
