package dev.ambit.ztunnel.outbound;

import dev.ambit.api.model.workload.Workload;
import dev.ambit.runtime.hbone.HboneKey;
import dev.ambit.runtime.transport.FailureReason;
import java.net.InetSocketAddress;
import java.util.Optional;

/** Where an outbound connection goes, as decided from the config when it is accepted. */
public sealed interface OutboundRoute {

    /**
     * Over HBONE: a CONNECT to {@code target} through {@code key}'s tunnel or waypoint.
     *
     * @param destination the workload that will receive the bytes, when known (not behind a waypoint)
     */
    record Tunnel(HboneKey key, InetSocketAddress target, Workload source, Optional<Workload> destination)
            implements OutboundRoute {
    }

    /** Plain TCP to a destination outside the mesh. */
    record Passthrough(InetSocketAddress address, Optional<Workload> source, Optional<Workload> destination)
            implements OutboundRoute {
    }

    /** Nowhere: the connection is closed. */
    record Refused(FailureReason reason, String detail) implements OutboundRoute {
    }
}
