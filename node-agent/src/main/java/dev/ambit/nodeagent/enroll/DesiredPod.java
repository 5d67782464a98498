package dev.ambit.nodeagent.enroll;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.nodeagent.redirect.PodMode;
import java.net.InetAddress;
import java.util.List;

/** A pod of this node that config says belongs in the mesh, and how it takes inbound plaintext. */
public record DesiredPod(String uid, List<InetAddress> addresses, SpiffeId identity, PodMode mode) {

    public DesiredPod {
        addresses = List.copyOf(addresses);
    }
}
