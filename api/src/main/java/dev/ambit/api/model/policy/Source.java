package dev.ambit.api.model.policy;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.api.model.FieldValidator;
import java.util.List;

/**
 * Who a connection comes from, as proven by its mTLS certificate. Each non-empty field must match: the peer is
 * one of {@link #principals} and none of {@link #notPrincipals}, and likewise for namespaces.
 */
public record Source(
        List<SpiffeId> principals,
        List<SpiffeId> notPrincipals,
        List<String> namespaces,
        List<String> notNamespaces) {

    public Source {
        FieldValidator v = FieldValidator.of("Source");
        principals = v.list("principals", principals);
        notPrincipals = v.list("notPrincipals", notPrincipals);
        namespaces = v.each("namespaces", namespaces, v::dnsLabel);
        notNamespaces = v.each("notNamespaces", notNamespaces, v::dnsLabel);
    }
}
