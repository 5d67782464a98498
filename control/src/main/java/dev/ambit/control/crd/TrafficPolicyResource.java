package dev.ambit.control.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** The {@code TrafficPolicy} custom resource ({@code traffic.ambit.dev/v1alpha1}), as users write it. */
@Group("traffic.ambit.dev")
@Version("v1alpha1")
@Kind("TrafficPolicy")
@Plural("trafficpolicies")
public class TrafficPolicyResource extends CustomResource<TrafficPolicySpec, Void> implements Namespaced {
    private static final long serialVersionUID = 1L;
}
