package dev.ambit.cli.dashboard;

import dev.ambit.cli.MeshNames;
import dev.ambit.cli.UserException;
import dev.ambit.cli.agent.AgentPods;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/** The controller pod a port-forward should reach: a ready one of the chart's controller pods in the namespace. */
final class ControllerPods {

    private ControllerPods() {
    }

    /** The first ready controller pod by name, or a plain error saying why there is none. */
    static Pod readyOne(KubernetesClient client, String namespace) {
        List<Pod> pods = client.pods().inNamespace(namespace).withLabel(MeshNames.NAME_LABEL, MeshNames.CONTROLLER)
                .list().getItems().stream()
                // One being deleted still answers for a while, but the forward would break as it goes.
                .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
                .sorted(Comparator.comparing(pod -> pod.getMetadata().getName()))
                .toList();
        if (pods.isEmpty()) {
            throw new UserException("no controller pod (label " + MeshNames.NAME_LABEL + "=" + MeshNames.CONTROLLER
                    + ") in namespace " + namespace + ": is Ambit installed there (ambit install; or name its"
                    + " namespace with --namespace)?");
        }
        return pods.stream().filter(AgentPods::isReady).findFirst().orElseThrow(() -> new UserException(
                "no controller pod in namespace " + namespace + " is ready: "
                        + pods.stream().map(ControllerPods::why).collect(Collectors.joining("; "))
                        + " (kubectl -n " + namespace + " describe pod " + pods.get(0).getMetadata().getName() + ")"));
    }

    /** {@code name (phase, container: waiting reason)}, as far as the status tells. */
    private static String why(Pod pod) {
        String phase = pod.getStatus() == null || pod.getStatus().getPhase() == null ? "no status yet"
                : pod.getStatus().getPhase();
        String waiting = pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null ? ""
                : pod.getStatus().getContainerStatuses().stream()
                        .filter(status -> status.getState() != null && status.getState().getWaiting() != null)
                        .map(ControllerPods::waiting)
                        .filter(Objects::nonNull)
                        .map(reason -> ", " + reason)
                        .collect(Collectors.joining());
        return pod.getMetadata().getName() + " (" + phase + waiting + ")";
    }

    private static String waiting(ContainerStatus status) {
        String reason = status.getState().getWaiting().getReason();
        return reason == null ? null : status.getName() + ": " + reason;
    }
}
