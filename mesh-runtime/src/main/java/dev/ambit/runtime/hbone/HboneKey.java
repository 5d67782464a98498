package dev.ambit.runtime.hbone;

import dev.ambit.api.identity.SpiffeId;
import java.net.InetSocketAddress;

/**
 * What makes two tunnelled connections share an HBONE connection: the identity we present, the tunnel or waypoint
 * we dial, and the identity it must present. Never shared across source identities, so a server can always tell
 * whose traffic a stream carries.
 */
public record HboneKey(SpiffeId source, InetSocketAddress destination, SpiffeId expectedIdentity) {
}
