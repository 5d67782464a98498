package dev.ambit.nodeagent.enroll;

import dev.ambit.api.identity.SpiffeId;
import dev.ambit.nodeagent.redirect.PodMode;
import java.net.InetAddress;
import java.util.List;

/**
 * A pod of this node that config says belongs in the mesh, how it takes inbound plaintext, and whether its DNS is
 * captured into the tunnel's DNS proxy (when the node captures DNS at all).
 */
public record DesiredPod(String uid, List<InetAddress> addresses, SpiffeId identity, PodMode mode, boolean dnsCapture) {

    public DesiredPod {
        addresses = List.copyOf(addresses);
    }

    /** A pod whose DNS is captured, the default. */
    public DesiredPod(String uid, List<InetAddress> addresses, SpiffeId identity, PodMode mode) {
        this(uid, addresses, identity, mode, true);
    }

    /** The same pod with {@code addresses}. */
    public DesiredPod withAddresses(List<InetAddress> addresses) {
        return new DesiredPod(uid, addresses, identity, mode, dnsCapture);
    }
}
