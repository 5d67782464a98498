package dev.ambit.control.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** The {@code AuthorizationPolicy} custom resource ({@code security.ambit.dev/v1}), as users write it. */
@Group("security.ambit.dev")
@Version("v1")
@Kind("AuthorizationPolicy")
@Plural("authorizationpolicies")
public class AuthorizationPolicyResource extends CustomResource<AuthorizationPolicySpec, Void> implements Namespaced {
    private static final long serialVersionUID = 1L;
}
