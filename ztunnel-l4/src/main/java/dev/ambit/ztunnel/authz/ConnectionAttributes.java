package dev.ambit.ztunnel.authz;

import dev.ambit.api.identity.SpiffeId;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * What the tunnel knows about a connection when it authorizes it.
 *
 * @param principal   the source's verified identity; empty for plaintext
 * @param destination the pod address and target port
 */
public record ConnectionAttributes(Optional<SpiffeId> principal, InetSocketAddress destination) {

    public Optional<String> sourceNamespace() {
        return principal.map(SpiffeId::namespace);
    }
}
