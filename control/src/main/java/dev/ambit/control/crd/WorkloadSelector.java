package dev.ambit.control.crd;

import java.util.Map;

/** Picks pods by labels, as in Kubernetes; absent or empty picks every workload the policy can apply to. */
public record WorkloadSelector(Map<String, String> matchLabels) {

    public static Map<String, String> labelsOf(WorkloadSelector selector) {
        return selector == null || selector.matchLabels() == null ? Map.of() : selector.matchLabels();
    }
}
